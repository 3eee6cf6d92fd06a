/// A compute API microversion such as 2.53; ordered numerically (2.9 < 2.10).
public struct APIVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses `MajorNum.MinorNum`; `nil` for anything else (`2`, `2.x`, ` 2.1`).
    public init?(parsing text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let major = Int(parts[0]), let minor = Int(parts[1])
        else { return nil }
        self.init(major, minor)
    }

    /// The legacy v2.0 API served under `/v2`: every "≥ 2.x" gate is false.
    public static let legacy = APIVersion(2, 0)
    /// The lowest microversion of v2.1.
    public static let minimum = APIVersion(2, 1)

    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: APIVersion, rhs: APIVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}

/// An inclusive range of microversions a route, schema or view applies to; `max == nil` is open-ended.
public struct VersionRange: Sendable, Hashable {
    public let min: APIVersion
    public let max: APIVersion?

    public init(_ min: APIVersion = .minimum, _ max: APIVersion? = nil) {
        self.min = min
        self.max = max
    }

    /// Every microversion.
    public static let all = VersionRange()

    /// From `2.minor` onwards.
    public static func from(_ minor: Int) -> VersionRange { VersionRange(APIVersion(2, minor)) }

    /// Up to and including `2.minor`.
    public static func through(_ minor: Int) -> VersionRange { VersionRange(.minimum, APIVersion(2, minor)) }

    /// Whether the two ranges share at least one microversion.
    public func overlaps(_ other: VersionRange) -> Bool {
        !((max.map { $0 < other.min } ?? false) || (other.max.map { $0 < min } ?? false))
    }

    /// Whether `version` falls in the range.
    public func contains(_ version: APIVersion) -> Bool {
        version >= min && (max.map { version <= $0 } ?? true)
    }
}
