public import Foundation

/// The time source domain code uses instead of `Date()`.
public protocol NovaClock: Sendable {
    func now() -> Date
}

/// The wall clock, truncated to microseconds as the database stores it.
public struct SystemClock: NovaClock {
    public init() {}
    public func now() -> Date {
        let micros = (Date().timeIntervalSince1970 * 1_000_000).rounded(.down)
        return Date(timeIntervalSince1970: micros / 1_000_000)
    }
}

/// The id source domain code uses instead of `UUID()`.
public protocol IDGenerator: Sendable {
    func uuid() -> String
}

/// Random version-4 UUIDs in lowercase, as Nova prints them.
public struct RandomIDGenerator: IDGenerator {
    public init() {}
    public func uuid() -> String { UUID().uuidString.lowercased() }
}
