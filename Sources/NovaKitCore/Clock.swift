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
        for nibble in 0..<32 {
            if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 { text.append(UInt8(ascii: "-")) }
            let word = nibble < 16 ? high : low
            text.append(Self.hexDigits[Int(word >> (60 - 4 * UInt64(nibble % 16)) & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
