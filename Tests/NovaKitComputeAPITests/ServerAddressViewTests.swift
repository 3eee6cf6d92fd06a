import Foundation
import NovaKitCore
import Testing

@testable import NovaKitComputeAPI
@testable import NovaKitNetwork

/// A server's `addresses`: networks in name order, each listing its fixed addresses as stored, then its floating
/// ones, with type and MAC when extended; IPv6 addresses are version 6.
@Suite("Server addresses view")
struct ServerAddressViewTests {
    /// What the view must be, built the plain way: every network named once, sorted, and each one's addresses
    /// filtered out of the fixed-then-floating list.
    static func reference(_ fixed: [NetworkAddress], _ floating: [FloatingAddress], extended: Bool) -> JSON {
        let all = fixed.map { ($0.network, $0.address, $0.mac, "fixed") } + floating.map { ($0.network, $0.address, $0.mac, "floating") }
        var networks: [String: JSON] = [:]
        for network in Set(all.map(\.0)) {
            networks[network] = .array(
                all.filter { $0.0 == network }.map { entry in
                    var shown: [String: JSON] = ["addr": .string(entry.1), "version": .int(entry.1.contains(":") ? 6 : 4)]
                    if extended {
                        shown["OS-EXT-IPS-MAC:mac_addr"] = .string(entry.2)
                        shown["OS-EXT-IPS:type"] = .string(entry.3)
                    }
                    return .object(shown)
                })
        }
        return .object(networks)
    }

    @Test("random fixed and floating addresses over a few networks show as the plain grouping shows them")
    func randomAddresses() throws {
        var generator = SystemRandomNumberGenerator()
        let networks = ["private", "public", "b", "a b", "é", "\"quoted\""]
        let addresses = ["10.0.0.3", "10.0.0.4", "172.24.4.10", "2001:db8::5", "fe80::1"]
        for _ in 0..<300 {
            let fixed = (0..<Int.random(in: 0..<5, using: &generator)).map { index in
                NetworkAddress(
                    network: networks.randomElement(using: &generator)!, address: addresses.randomElement(using: &generator)!,
                    mac: "fa:16:3e:00:00:0\(index)")
            }
            let floating = (0..<Int.random(in: 0..<3, using: &generator)).map { index in
                FloatingAddress(
                    network: networks.randomElement(using: &generator)!, address: addresses.randomElement(using: &generator)!,
                    mac: "fa:16:3e:00:01:0\(index)")
            }
            for extended in [true, false] {
                var writer = JSONWriter()
                ServerViews.writeAddresses(fixed, extended: extended, floating: floating, into: &writer)
                let expected = Self.reference(fixed, floating, extended: extended)
                #expect(try JSON.parse(Data(writer.bytes)) == expected)
                #expect(writer.bytes == expected.encodedBytes())
            }
        }
    }
}
