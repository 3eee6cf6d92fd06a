import Foundation
import NovaKitCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `accessIPv4` / `accessIPv6` as Nova takes them: the address must parse (else 400 naming the field, as
/// Nova's `ipv4`/`ipv6` formats), and it is kept in its canonical text form, as Nova stores what netaddr
/// prints (`0000:…:babe:220.12.22.2` → `::babe:dc0c:1602`). Parsing and printing are the C library's.
struct AccessAddress: Decodable, Sendable {
    let text: String

    init(from decoder: any Decoder) throws {
        let given = try decoder.singleValueContainer().decode(String.self)
        let field = decoder.codingPath.last?.stringValue ?? "accessIPv4"
        let family = field == "accessIPv6" ? AF_INET6 : AF_INET
        guard let canonical = Self.canonical(given, family: family) else {
            throw Fault.badRequest(
                "Invalid input for field/attribute \(field). Value: \(given). '\(given)' is not a '\(family == AF_INET6 ? "ipv6" : "ipv4")'")
        }
        text = canonical
    }

    /// The canonical text of `address` in `family`, or `nil` when it is not one.
    static func canonical(_ address: String, family: Int32) -> String? {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard inet_pton(family, address, &bytes) == 1 else { return nil }
        var output = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, bytes, &output, socklen_t(output.count)) != nil else { return nil }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
