#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address as a number, so subnets can be walked and compared; parsing and printing are the
/// C library's (`inet_pton` / `inet_ntop`), which also gives the canonical text Neutron shows.
public struct IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let version: Int
    public let value: UInt128

    public init(version: Int, value: UInt128) {
        self.version = version
        self.value = value
    }

    /// Parses either family; `nil` when `text` is neither.
    public init?(_ text: String) {
        var bytes = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET, text, &bytes) == 1 {
            self.init(version: 4, value: bytes.prefix(4).reduce(UInt128(0)) { $0 << 8 | UInt128($1) })
        } else if inet_pton(AF_INET6, text, &bytes) == 1 {
            self.init(version: 6, value: bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) })
        } else {
            return nil
        }
    }

    var bitWidth: Int { version == 4 ? 32 : 128 }

    public var description: String {
        let count = version == 4 ? 4 : 16
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: value >> UInt128(8 * (count - 1 - $0))) }
        var output = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(version == 4 ? AF_INET : AF_INET6, bytes, &output, socklen_t(output.count)) != nil else { return "" }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func < (left: IPAddress, right: IPAddress) -> Bool {
        (left.version, left.value) < (right.version, right.value)
    }
}

/// A CIDR (`10.100.0.0/28`, `2001:db8::/64`): its first address and prefix length.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    public let base: IPAddress
    public let prefixLength: Int

    /// Parses `address/prefix`; the address is masked to the network's first address, as Neutron stores it.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])), let prefix = Int(parts[1]), (0...address.bitWidth).contains(prefix)
        else { return nil }
        prefixLength = prefix
        base = IPAddress(version: address.version, value: address.value & Self.mask(prefix, width: address.bitWidth))
    }

    static func mask(_ prefix: Int, width: Int) -> UInt128 {
        let all: UInt128 = width == 128 ? .max : (UInt128(1) << UInt128(width)) - 1
        return prefix == 0 ? 0 : all ^ ((UInt128(1) << UInt128(width - prefix)) - 1)
    }

    public var version: Int { base.version }
    /// The last address of the range (the broadcast address in IPv4).
    public var last: IPAddress { IPAddress(version: version, value: base.value | hostBits) }
    private var hostBits: UInt128 { ((UInt128(1) << UInt128(base.bitWidth - prefixLength)) - 1) }

    public func contains(_ address: IPAddress) -> Bool {
        address.version == version && address.value & Self.mask(prefixLength, width: base.bitWidth) == base.value
    }

    /// Whether the two ranges share an address.
    public func overlaps(_ other: IPNetwork) -> Bool {
        other.version == version && (contains(other.base) || other.contains(base))
    }

    /// The default gateway: the first host address.
    public var firstHost: IPAddress { IPAddress(version: version, value: base.value + 1) }

    /// Neutron's default allocation pool: after the gateway up to the last address (IPv4 keeps the broadcast out).
    public var defaultPool: (start: IPAddress, end: IPAddress) {
        let end = base.value | hostBits
        return (IPAddress(version: version, value: base.value + 2), IPAddress(version: version, value: version == 4 ? end - 1 : end))
    }

    public var description: String { "\(base)/\(prefixLength)" }
}
