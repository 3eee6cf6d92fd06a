import Foundation
public import NovaKitCore
public import NovaKitStorage
import SQLKit

/// What bootstrap makes, as a standard single-node cloud has it: a shared `private` network (with the id
/// NovaKit's simulated network always had, so clients that named it keep working) and an external `public`
/// one, each with a subnet, and `router1` between them. Whatever exists already is left as it is.
public struct DefaultNetworks: Sendable {
    public let privateID: String
    public let privateCIDR: String

    public init(privateID: String, privateCIDR: String) {
        self.privateID = privateID
        self.privateCIDR = privateCIDR
    }

    public static let publicCIDR = "172.24.4.0/24"

    public func ensure(project: String, database: Database, clock: any NovaClock, ids: any IDGenerator) async throws {
        let now = clock.now()
        try await database.transaction { [self] sql in
            var external = try await NetworkRow.select(on: sql).where("external", .equal, SQLBind(true)).where("name", .equal, SQLBind("public"))
                .first(NetworkRow.self)
            if external == nil {
                external = try await Self.make(
                    "public", id: ids.uuid(), cidr: Self.publicCIDR, shared: false, external: true, project: project, at: now, ids: ids, sql)?.0
            }
            if try await NetworkRow.select(on: sql).where("uuid", .equal, SQLBind(privateID)).first(NetworkRow.self) == nil,
                let (network, subnet) = try await Self.make(
                    "private", id: privateID, cidr: privateCIDR, shared: true, external: false, project: project, at: now, ids: ids, sql)
            {
                // As a standard single-node cloud: `router1` routes `private` to `public`, so floating IPs reach servers.
                try await Self.route(network, subnet, to: external, name: "router1", project: project, at: now, ids: ids, sql)
            }
        }
    }

    /// A router with its gateway on `external` and an interface (the subnet's gateway address) on `subnet`.
    @discardableResult
    static func route(
        _ network: NetworkRow, _ subnet: SubnetRow, to external: NetworkRow?, name: String, project: String, at now: Date, ids: any IDGenerator,
        _ sql: any SQLDatabase
    ) async throws -> RouterRow {
        let router = RouterRow(
            id: nil, uuid: ids.uuid(), projectID: project, name: name, description: "", adminStateUp: true,
            externalNetworkID: external?.uuid, createdAt: now, updatedAt: nil, deleted: 0)
        try await router.insert(sql)
        var interface = PortRequest(network: network, projectID: project)
        interface.deviceID = router.uuid
        interface.deviceOwner = RouterStore.interfaceOwner
        interface.fixedIPs = [.init(subnetID: subnet.uuid, ipAddress: subnet.gatewayIP)]
        _ = try await PortStore.create(interface, id: ids.uuid(), at: now, sql)
        return router
    }

    /// Inserts a network with one subnet over all of `text` (its first address the gateway).
    @discardableResult
    static func make(
        _ name: String, id: String, cidr text: String, shared: Bool, external: Bool, project: String, subnetName: String? = nil, at now: Date,
        ids: any IDGenerator, _ sql: any SQLDatabase
    ) async throws -> (NetworkRow, SubnetRow)? {
        guard let cidr = IPNetwork(text) else { return nil }
        let network = NetworkRow(
            id: nil, uuid: id, projectID: project, name: name, description: "", adminStateUp: true, shared: shared, external: external,
            mtu: 1500, createdAt: now, updatedAt: nil, deleted: 0)
        try await network.insert(sql)
        let pool = cidr.defaultPool
        let subnet = SubnetRow(
            id: nil, uuid: ids.uuid(), projectID: project, name: subnetName ?? "\(name)-subnet", description: "", networkID: id,
            ipVersion: cidr.version, cidr: cidr.description, gatewayIP: cidr.firstHost.description, enableDHCP: !external,
            allocationPools: "\(pool.start),\(pool.end)", dnsNameservers: "", ipv6RAMode: nil, ipv6AddressMode: nil, createdAt: now,
            updatedAt: nil, deleted: 0)
        try await subnet.insert(sql)
        return (network, subnet)
    }
}
