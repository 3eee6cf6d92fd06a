import NovaKitNetwork
import Testing

@Suite("IP addresses and ranges")
struct IPAddressTests {
    @Test("both families parse, print canonically and order by value")
    func parsing() {
        #expect(IPAddress("10.0.0.1")?.version == 4)
        #expect(IPAddress("2001:0db8:0000:0000:0000:0000:0000:0001")?.description == "2001:db8::1")
        #expect(IPAddress("10.0.0.256") == nil && IPAddress("host") == nil && IPAddress("") == nil)
        #expect(IPAddress("10.0.0.9")! < IPAddress("10.0.0.10")!)
        #expect(IPAddress(version: 4, value: IPAddress("10.0.0.255")!.value + 1).description == "10.0.1.0")
    }

    @Test("a CIDR is masked to its first address; containment, overlap, gateway and default pool")
    func ranges() throws {
        let net = try #require(IPNetwork("10.100.0.5/28"))
        #expect(net.description == "10.100.0.0/28")
        #expect(net.contains(IPAddress("10.100.0.15")!) && !net.contains(IPAddress("10.100.0.16")!))
        #expect(net.firstHost.description == "10.100.0.1" && net.last.description == "10.100.0.15")
        #expect(net.defaultPool.start.description == "10.100.0.2" && net.defaultPool.end.description == "10.100.0.14")
        #expect(net.overlaps(IPNetwork("10.100.0.8/29")!) && IPNetwork("10.0.0.0/8")!.overlaps(net))
        #expect(!net.overlaps(IPNetwork("10.100.0.16/28")!) && !net.overlaps(IPNetwork("fd00::/64")!))
        let v6 = try #require(IPNetwork("fd00:1::/64"))
        #expect(v6.defaultPool.start.description == "fd00:1::2" && v6.defaultPool.end.description == "fd00:1::ffff:ffff:ffff:ffff")
        #expect(IPNetwork("10.0.0.0/33") == nil && IPNetwork("10.0.0.0") == nil && IPNetwork("x/8") == nil)
        #expect(IPNetwork("0.0.0.0/0")!.contains(IPAddress("255.255.255.255")!))
    }
}
