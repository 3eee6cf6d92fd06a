import Foundation
import Logging
import NovaKitCore
import NovaKitHTTP
import NovaKitNetwork
import NovaKitStorage
import SQLKit
import Testing

/// Address allocation against a plain reference: after any sequence of creates and deletes on a small
/// subnet, every live port holds a distinct address of the pool, each new one the lowest free, and a full
/// pool is Neutron's 409.
@Suite("Port address allocation")
struct PortAllocationTests {
    @Test("random creates and deletes keep addresses unique and lowest-first", arguments: [7, 42])
    func allocation(seed: UInt64) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let database = try await Database.open(.sqliteMemory, logger: logger)
        do {
            try await SchemaMigrator(database: database, migrations: NetworkSchema.migrations).sync()
            let (clock, ids) = (SystemClock(), RandomIDGenerator())
            let auth = AuthContext(userID: "u", projectID: "p", roles: ["member"], isAdmin: false)
            let network = NetworkRow(
                id: nil, uuid: ids.uuid(), projectID: "p", name: "n", description: "", adminStateUp: true, shared: false, external: false,
                mtu: 1500, createdAt: clock.now(), updatedAt: nil, deleted: 0)
            _ = try await NetworkStore(database: database, clock: clock, ids: ids).create(network)
            try await SubnetStore(database: database, clock: clock).create(
                SubnetRow(
                    id: nil, uuid: ids.uuid(), projectID: "p", name: "s", description: "", networkID: network.uuid, ipVersion: 4,
                    cidr: "10.1.0.0/29", gatewayIP: "10.1.0.1", enableDHCP: true, allocationPools: "10.1.0.2,10.1.0.6", dnsNameservers: "",
                    ipv6RAMode: nil, ipv6AddressMode: nil, createdAt: clock.now(), updatedAt: nil, deleted: 0))
            let ports = PortStore(database: database, clock: clock, ids: ids)
            let pool = (2...6).map { "10.1.0.\($0)" }
            var live: [String: String] = [:]  // port id → address
            var random = SeededGenerator(seed: seed)
            for _ in 0..<60 {
                if live.isEmpty || Bool.random(using: &random) {
                    let free = pool.filter { !live.values.contains($0) }
                    do {
                        let port = try await ports.create(PortRequest(network: network, projectID: "p"))
                        #expect(port.fixedIPs.map(\.ipAddress) == [free.first!])
                        live[port.row.uuid] = port.fixedIPs[0].ipAddress
                    } catch let error as NeutronError {
                        #expect(free.isEmpty && error.code == 409 && error.type == "IpAddressGenerationFailure")
                    }
                } else {
                    let victim = live.keys.sorted()[Int.random(in: 0..<live.count, using: &random)]
                    try await ports.delete(try await ports.get(victim, auth).row)
                    live[victim] = nil
                }
                let listed = try await ports.list(NeutronQuery(), auth)
                #expect(Dictionary(uniqueKeysWithValues: listed.map { ($0.row.uuid, $0.fixedIPs[0].ipAddress) }) == live)
            }
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}

/// SplitMix64: a seeded generator, so a failing sequence can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
