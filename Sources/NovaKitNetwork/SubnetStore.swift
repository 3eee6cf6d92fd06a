import Foundation
public import NovaKitCore
public import NovaKitHTTP
public import NovaKitStorage
import SQLKit

/// The SQL of `subnets`: a caller sees its own subnets and those of shared and external networks.
public struct SubnetStore: Sendable {
    let database: Database
    let clock: any NovaClock

    public init(database: Database, clock: any NovaClock) {
        self.database = database
        self.clock = clock
    }

    static let list = ListSQL(
        table: SubnetRow.table,
        fields: [
            "id": .init(column: "uuid", kind: .text), "name": .init(column: "name", kind: .text),
            "project_id": .init(column: "project_id", kind: .text), "description": .init(column: "description", kind: .text),
            "network_id": .init(column: "network_id", kind: .text), "ip_version": .init(column: "ip_version", kind: .number),
            "cidr": .init(column: "cidr", kind: .text), "gateway_ip": .init(column: "gateway_ip", kind: .text),
            "enable_dhcp": .init(column: "enable_dhcp", kind: .flag), "ipv6_ra_mode": .init(column: "ipv6_ra_mode", kind: .text),
            "ipv6_address_mode": .init(column: "ipv6_address_mode", kind: .text),
        ], visible: visible(to:))

    static func visible(to auth: AuthContext) -> (any SQLExpression)? {
        guard !auth.isAdmin else { return nil }
        let open = SQLQueryString(
            "\(ident: SubnetRow.table).network_id IN (SELECT uuid FROM \(ident: NetworkRow.table) WHERE deleted = 0 AND (shared = \(bind: true) OR external = \(bind: true)))"
        )
        return ListSQL.any([SQLBinaryExpression(SQLColumn("project_id", table: SubnetRow.table), .equal, SQLBind(auth.projectID)), open])
    }

    public func list(_ query: NeutronQuery, _ auth: AuthContext) async throws -> [SubnetRow] {
        try await Self.list.rows(SubnetRow.self, query, auth, in: database)
    }

    public func get(_ id: String, _ auth: AuthContext) async throws -> SubnetRow {
        guard let row = try await Self.list.row(SubnetRow.self, id, auth, in: database) else { throw NeutronError.notFound("Subnet", id) }
        return row
    }

    /// The network's live subnets, oldest first.
    static func subnets(of network: String, _ sql: any SQLDatabase) async throws -> [SubnetRow] {
        try await SubnetRow.select(on: sql).where("network_id", .equal, SQLBind(network)).orderBy("id").all(SubnetRow.self)
    }

    /// Adds a subnet; a CIDR that overlaps another subnet of the same network is Neutron's 400.
    public func create(_ row: SubnetRow) async throws {
        guard let cidr = IPNetwork(row.cidr) else {
            throw NeutronError.badRequest("Invalid input for cidr. Reason: '\(row.cidr)' is not a valid IP subnet.")
        }
        try await database.transaction { sql in
            for other in try await Self.subnets(of: row.networkID, sql) {
                if let existing = IPNetwork(other.cidr), existing.overlaps(cidr) {
                    throw NeutronError.badRequest(
                        "Invalid input for operation: Requested subnet with cidr: \(cidr) for network: \(row.networkID) overlaps with another subnet."
                    )
                }
            }
            try await row.insert(sql)
        }
    }

    public func update(_ row: SubnetRow) async throws {
        var changed = row
        changed.updatedAt = clock.now()
        let written = changed
        try await database.withConnection { sql in try await written.update(sql) }
    }

    /// Deletes the subnet; addresses on it held by ports other than DHCP's are a 409 (`SubnetInUse`).
    public func delete(_ subnet: SubnetRow) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            let held = try await sql.select().column("port_id").from(IPAllocationRow.table).where("subnet_id", .equal, SQLBind(subnet.uuid))
                .readDeleted(.no).limit(1).first()
            guard held == nil else {
                throw NeutronError.conflict(
                    "SubnetInUse", "Unable to complete operation on subnet \(subnet.uuid): One or more ports have an IP allocation from this subnet.")
            }
            _ = try await sql.softDelete(from: SubnetRow.table, matching: [("uuid", subnet.uuid)], at: now)
        }
    }
}
