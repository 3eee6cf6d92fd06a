import Foundation
public import NovaKitCore
public import NovaKitStorage
import SQLKit

/// Neutron's "get me a network" (`auto-allocated-topology`): a project's own network, subnet and router —
/// the router's gateway on the default external network, its interface on the subnet — made the first time
/// the project asks and the same ones every time after. `auto_allocated_topologies` holds one live row per
/// project (unique), so two first requests at once end up with one topology.
public struct AutoAllocatedTopology: Sendable {
    let database: Database
    let clock: any NovaClock
    let ids: any IDGenerator

    public init(database: Database, clock: any NovaClock, ids: any IDGenerator) {
        self.database = database
        self.clock = clock
        self.ids = ids
    }

    static let table = "auto_allocated_topologies"
    /// Every project's topology uses this range: projects' networks are apart, as tenant networks are.
    public static let cidr = "192.168.0.0/24"
    public static let networkName = "auto_allocated_network"
    public static let subnetName = "auto_allocated_subnet_v4"
    public static let routerName = "auto_allocated_router"

    public static let migration = SchemaMigration("network/005_create_auto_allocated_topologies") { sql, _ in
        try await sql.createSoftDeletableTable(table) {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("project_id", type: .text, .notNull)
                .column("network_id", type: .text, .notNull).column("router_id", type: .text).unique(["project_id", "deleted"])
        }
    }

    /// What a project's topology is made of.
    public struct Members: Sendable, Equatable {
        public var networkID: String
        public var routerID: String?
    }

    /// The project's topology, if it has one.
    public func existing(project: String) async throws -> Members? {
        try await database.read { sql in try await Self.members(project, sql) }
    }

    /// The project's topology, made now if it has none. Without an external network to route to, Neutron's
    /// 409 (the deployment lacks what auto-allocation needs).
    public func ensure(project: String) async throws -> Members {
        if let existing = try await existing(project: project) { return existing }
        let now = clock.now()
        do {
            return try await database.transaction { [ids] sql in
                if let existing = try await Self.members(project, sql) { return existing }
                guard let external = try await Self.defaultExternalNetwork(sql) else { throw Self.unavailable }
                // A topology whose network was deleted by hand is replaced.
                _ = try await sql.softDelete(from: Self.table, matching: [("project_id", project)], at: now)
                guard
                    let (network, subnet) = try await DefaultNetworks.make(
                        Self.networkName, id: ids.uuid(), cidr: Self.cidr, shared: false, external: false, project: project,
                        subnetName: Self.subnetName, at: now, ids: ids, sql)
                else { throw Self.unavailable }
                let router = try await DefaultNetworks.route(
                    network, subnet, to: external, name: Self.routerName, project: project, at: now, ids: ids, sql)
                try await sql.insert(into: Self.table).columns("project_id", "network_id", "router_id", "created_at", "deleted")
                    .values(SQLBind(project), SQLBind(network.uuid), SQLBind(router.uuid), SQLBind(now), SQLBind(0)).run()
                return Members(networkID: network.uuid, routerID: router.uuid)
            }
        } catch let error as NeutronError {
            throw error
        } catch {
            // Another request made the project's topology first (the unique key refused this one's row).
            if let made = try await existing(project: project) { return made }
            throw error
        }
    }

    /// Whether a topology could be made: Neutron's `dry-run`.
    public func validate() async throws {
        guard try await database.read({ sql in try await Self.defaultExternalNetwork(sql) }) != nil else { throw Self.unavailable }
    }

    /// Removes the project's topology: the router (with its interface), the network and its subnet. Servers
    /// still on the network keep it (Neutron's 409).
    public func delete(project: String) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            guard let members = try await Self.members(project, sql) else {
                throw NeutronError(code: 404, type: "NotFound", message: "Auto Allocated Topology for project \(project) could not be found.")
            }
            // The router goes with its interface; the network then goes as any network does (409 while
            // servers' ports are on it, which undoes the whole removal).
            if let router = members.routerID {
                try await PortStore.delete(try await PortStore.ports(ofDevice: router, sql).map(\.row.uuid), at: now, sql)
                _ = try await sql.softDelete(from: RouterRow.table, matching: [("uuid", router)], at: now)
            }
            try await NetworkStore.delete(members.networkID, at: now, sql)
            _ = try await sql.softDelete(from: Self.table, matching: [("project_id", project)], at: now)
        }
    }

    static let unavailable = NeutronError.conflict(
        "AutoAllocationFailure", "Deployment error: No default router:external network. Unable to provide external connectivity.")

    private static func members(_ project: String, _ sql: any SQLDatabase) async throws -> Members? {
        // A topology whose network was deleted by hand is gone too.
        guard
            let row = try await sql.select().columns("network_id", "router_id").from(table).where("project_id", .equal, SQLBind(project))
                .readDeleted(.no).first()
        else { return nil }
        let network = try row.decode(column: "network_id", as: String.self)
        let live = try await sql.select().column("uuid").from(NetworkRow.table).where("uuid", .equal, SQLBind(network)).readDeleted(.no).first()
        guard live != nil else { return nil }
        return Members(networkID: network, routerID: try row.decode(column: "router_id", as: String?.self))
    }

    /// The external network routers reach by default: the one called `public`, else the oldest.
    private static func defaultExternalNetwork(_ sql: any SQLDatabase) async throws -> NetworkRow? {
        let external = try await NetworkRow.select(on: sql).where("external", .equal, SQLBind(true)).orderBy("id").all(NetworkRow.self)
        return external.first { $0.name == "public" } ?? external.first
    }
}
