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

/// Random version-4 UUIDs in lowercase, as Nova prints them. The bits come from the system generator
/// (`getrandom` on Linux; Foundation's `UUID()` opens `/dev/urandom` for each one, and every request takes one).
public struct RandomIDGenerator: IDGenerator {
    public init() {}

    private static let hexDigits = Array("0123456789abcdef".utf8)

    public func uuid() -> String {
        var generator = SystemRandomNumberGenerator()
        // Version 4 in the high nibble of byte 6, variant 10 in the top bits of byte 8.
        let high = (generator.next() as UInt64) & ~0xF000 | 0x4000
        let low = (generator.next() as UInt64) & ~(0xC000 << 48) | (0x8000 << 48)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, nibble) in (0..<32).map({ $0 < 16 ? high >> (60 - 4 * $0) : low >> (60 - 4 * ($0 - 16)) }).enumerated() {
            if [8, 12, 16, 20].contains(index) { text.append(UInt8(ascii: "-")) }
            text.append(Self.hexDigits[Int(nibble & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
