import Foundation
public import NovaKitCore
public import NovaKitHTTP
public import NovaKitStorage
import SQLKit

/// A network with the ids of its subnets, as every network view shows them.
public struct Network: Sendable, Equatable {
    public var row: NetworkRow
    public var subnets: [String]
}

/// The SQL of `networks`: what a caller may see (its own, shared and external networks; all for admins),
/// filtered, ordered and paged in the query.
public struct NetworkStore: Sendable {
    let database: Database
    let clock: any NovaClock
    let ids: any IDGenerator

    public init(database: Database, clock: any NovaClock, ids: any IDGenerator) {
        self.database = database
        self.clock = clock
        self.ids = ids
    }

    static let list = ListSQL(
        table: NetworkRow.table,
        fields: [
            "id": .init(column: "uuid", kind: .text), "name": .init(column: "name", kind: .text),
            "project_id": .init(column: "project_id", kind: .text), "description": .init(column: "description", kind: .text),
            "admin_state_up": .init(column: "admin_state_up", kind: .flag), "shared": .init(column: "shared", kind: .flag),
            "router:external": .init(column: "external", kind: .flag), "mtu": .init(column: "mtu", kind: .number),
        ], visible: visible(to:))

    /// Networks a non-admin in `project` sees: its own, shared and external ones.
    static func visible(to auth: AuthContext) -> (any SQLExpression)? {
        guard !auth.isAdmin else { return nil }
        return ListSQL.any([
            SQLBinaryExpression(SQLColumn("project_id", table: NetworkRow.table), .equal, SQLBind(auth.projectID)),
            SQLBinaryExpression(SQLColumn("shared", table: NetworkRow.table), .equal, SQLBind(true)),
            SQLBinaryExpression(SQLColumn("external", table: NetworkRow.table), .equal, SQLBind(true)),
        ])
    }

    public func list(_ query: NeutronQuery, _ auth: AuthContext) async throws -> [Network] {
        try await withSubnets(try await Self.list.rows(NetworkRow.self, query, auth, in: database))
    }

    /// Network `id` if `auth` may see it; else Neutron's 404.
    public func get(_ id: String, _ auth: AuthContext) async throws -> Network {
        guard let network = try await find(id, auth) else { throw NeutronError.notFound("Network", id) }
        return network
    }

    /// Network `id` with its subnets, if `auth` may see it.
    public func find(_ id: String, _ auth: AuthContext) async throws -> Network? {
        guard let row = try await row(id, auth) else { return nil }
        return try await withSubnets([row])[0]
    }

    /// The networks a server of `project` may land on when its request names none (Nova's "available
    /// networks"): the project's own and the shared ones, external networks aside; oldest first.
    public func available(to project: String) async throws -> (own: [NetworkRow], shared: [NetworkRow]) {
        let rows = try await database.read { sql in
            try await NetworkRow.select(on: sql).where("external", .equal, SQLBind(false))
                .where { $0.where("project_id", .equal, SQLBind(project)).orWhere("shared", .equal, SQLBind(true)) }.orderBy("id")
                .all(NetworkRow.self)
        }
        return (rows.filter { !$0.shared && $0.projectID == project }, rows.filter(\.shared))
    }

    /// The live row `id` if `auth` may see it.
    public func row(_ id: String, _ auth: AuthContext) async throws -> NetworkRow? {
        try await Self.list.row(NetworkRow.self, id, auth, in: database)
    }

    func withSubnets(_ rows: [NetworkRow]) async throws -> [Network] {
        guard !rows.isEmpty else { return [] }
        let pairs = try await database.read { sql in
            try await sql.select().columns("uuid", "network_id").from(SubnetRow.table).where("network_id", .in, rows.map(\.uuid))
                .readDeleted(.no).orderBy("id").all().map {
                    (try $0.decode(column: "network_id", as: String.self), try $0.decode(column: "uuid", as: String.self))
                }
        }
        let subnets = Dictionary(grouping: pairs, by: \.0).mapValues { $0.map(\.1) }
        return rows.map { Network(row: $0, subnets: subnets[$0.uuid] ?? []) }
    }

    public func create(_ row: NetworkRow) async throws -> Network {
        try await database.withConnection { sql in try await row.insert(sql) }
        return Network(row: row, subnets: [])
    }

    public func update(_ row: NetworkRow) async throws {
        var changed = row
        changed.updatedAt = clock.now()
        let written = changed
        try await database.withConnection { sql in try await written.update(sql) }
    }

    /// Deletes the network and its subnets; ports still on it (other than DHCP's) are a 409, as in Neutron.
    public func delete(_ network: NetworkRow) async throws {
        let now = clock.now()
        try await database.transaction { sql in try await Self.delete(network.uuid, at: now, sql) }
    }

    /// `delete` inside a caller's transaction.
    static func delete(_ network: String, at now: Date, _ sql: any SQLDatabase) async throws {
        let inUse = try await sql.select().column("uuid").from(PortRow.table).where("network_id", .equal, SQLBind(network))
            .where("device_owner", .notEqual, SQLBind("network:dhcp")).readDeleted(.no).limit(1).first()
        guard inUse == nil else {
            throw NeutronError.conflict(
                "NetworkInUse", "Unable to complete operation on network \(network). There are one or more ports still in use on the network.")
        }
        for table in [IPAllocationRow.table, PortRow.table, SubnetRow.table] {
            _ = try await sql.softDelete(from: table, matching: [("network_id", network)], at: now)
        }
        _ = try await sql.softDelete(from: NetworkRow.table, matching: [("uuid", network)], at: now)
    }
}

extension StoredRow {
    /// Inserts the row (its `id` left to the database).
    func insert(_ sql: any SQLDatabase) async throws {
        let values = try columnValues().filter { $0.0 != "id" }
        try await sql.insert(into: Self.table).columns(values.map(\.0)).values(values.map(\.1)).run()
    }

    /// Writes every column but the ids and creation time to the live row with the same `uuid`.
    func update(_ sql: any SQLDatabase) async throws {
        let values = try columnValues().filter { !["id", "uuid", "created_at", "deleted"].contains($0.0) }
        guard let uuid = try columnValues().first(where: { $0.0 == "uuid" })?.1 else { return }
        try await values.reduce(sql.update(Self.table)) { $0.set(SQLColumn($1.0), to: $1.1) }.where(SQLColumn("uuid"), .equal, uuid)
            .readDeleted(.no).run()
    }
}
