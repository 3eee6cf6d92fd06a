public import Foundation
public import NovaKitCore
public import NovaKitHTTP
public import NovaKitStorage
public import SQLKit

/// One row of `floatingips`: an address of an external network, held by a port of that network
/// (`network:floatingip`) and, when associated, mapped to a fixed address of a project's port.
public struct FloatingIPRow: StoredRow, Equatable {
    public static let table = "floatingips"
    public static let columns = CodingKeys.allCases.map(\.rawValue)

    public var id: Int?
    public var uuid: String
    public var projectID: String
    public var description: String
    public var floatingNetworkID: String
    public var floatingIPAddress: String
    public var floatingPortID: String
    public var portID: String?
    public var fixedIPAddress: String?
    public var createdAt: Date
    public var updatedAt: Date?
    public var deleted: Int

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, uuid, description, deleted
        case projectID = "project_id", floatingNetworkID = "floating_network_id", floatingIPAddress = "floating_ip_address"
        case floatingPortID = "floating_port_id", portID = "port_id", fixedIPAddress = "fixed_ip_address", createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// A floating address as a server's view shows it: on the network of the port it is mapped to.
public struct FloatingAddress: Sendable, Equatable {
    public var network: String
    public var address: String
    public var mac: String
}

/// The SQL of `floatingips`: allocation from an external network's subnets, association with a port's fixed
/// address, release.
public struct FloatingIPStore: Sendable {
    let database: Database
    let clock: any NovaClock
    let ids: any IDGenerator

    public init(database: Database, clock: any NovaClock, ids: any IDGenerator) {
        self.database = database
        self.clock = clock
        self.ids = ids
    }

    public static let migration = SchemaMigration("network/003_create_floatingips") { sql, _ in
        try await sql.createSoftDeletableTable("floatingips") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("uuid", type: .text, .notNull)
                .column("project_id", type: .text, .notNull).column("description", type: .text, .notNull)
                .column("floating_network_id", type: .text, .notNull).column("floating_ip_address", type: .text, .notNull)
                .column("floating_port_id", type: .text, .notNull).column("port_id", type: .text).column("fixed_ip_address", type: .text)
                .unique(["uuid", "deleted"])
        }
        try await sql.create(index: "floatingips_port_idx").on("floatingips").column("deleted").column("port_id").run()
        try await sql.create(index: "floatingips_project_idx").on("floatingips").column("deleted").column("project_id").run()
    }

    static let list = ListSQL(
        table: FloatingIPRow.table,
        fields: [
            "id": .init(column: "uuid", kind: .text), "project_id": .init(column: "project_id", kind: .text),
            "description": .init(column: "description", kind: .text), "floating_network_id": .init(column: "floating_network_id", kind: .text),
            "floating_ip_address": .init(column: "floating_ip_address", kind: .text), "port_id": .init(column: "port_id", kind: .text),
            "fixed_ip_address": .init(column: "fixed_ip_address", kind: .text),
        ], visible: visible(to:))

    static func visible(to auth: AuthContext) -> (any SQLExpression)? {
        auth.isAdmin ? nil : SQLBinaryExpression(SQLColumn("project_id", table: FloatingIPRow.table), .equal, SQLBind(auth.projectID))
    }

    public func list(_ query: NeutronQuery, _ auth: AuthContext) async throws -> [FloatingIPRow] {
        try await Self.list.rows(FloatingIPRow.self, query, auth, in: database)
    }

    public func get(_ id: String, _ auth: AuthContext) async throws -> FloatingIPRow {
        guard let row = try await Self.list.row(FloatingIPRow.self, id, auth, in: database) else {
            throw NeutronError(code: 404, type: "FloatingIPNotFound", message: "Floating IP \(id) could not be found")
        }
        return row
    }

    /// Allocates an address of `network` (external) for `project` on a port of its own, optionally mapped at once.
    public func create(
        on network: NetworkRow, project: String, address: String?, description: String, mapping: (port: Port, fixed: String)?
    ) async throws -> FloatingIPRow {
        let (id, portID, now) = (ids.uuid(), ids.uuid(), clock.now())
        return try await database.transaction { sql in
            var request = PortRequest(network: network, projectID: "")
            request.deviceID = id
            request.deviceOwner = "network:floatingip"
            if let address { request.fixedIPs = [.init(subnetID: nil, ipAddress: address)] }
            let port = try await PortStore.create(request, id: portID, at: now, sql)
            guard let allocated = port.fixedIPs.first?.ipAddress else {
                throw NeutronError.badRequest("Bad floatingip request: Network \(network.uuid) does not contain any IPv4 subnet")
            }
            if let mapping {
                try await Self.checkFree(mapping.port.row.uuid, mapping.fixed, sql)
                try await Self.checkReachable(network.uuid, from: mapping, sql)
            }
            let row = FloatingIPRow(
                id: nil, uuid: id, projectID: project, description: description, floatingNetworkID: network.uuid, floatingIPAddress: allocated,
                floatingPortID: portID, portID: mapping?.port.row.uuid, fixedIPAddress: mapping?.fixed, createdAt: now, updatedAt: nil,
                deleted: 0)
            try await row.insert(sql)
            return row
        }
    }

    /// Maps the address to a port's fixed address, or (`nil`) unmaps it.
    public func associate(_ row: FloatingIPRow, with mapping: (port: Port, fixed: String)?) async throws -> FloatingIPRow {
        var changed = row
        changed.portID = mapping?.port.row.uuid
        changed.fixedIPAddress = mapping?.fixed
        changed.updatedAt = clock.now()
        let written = changed
        try await database.transaction { sql in
            if let mapping, mapping.port.row.uuid != row.portID || mapping.fixed != row.fixedIPAddress {
                try await Self.checkFree(mapping.port.row.uuid, mapping.fixed, sql)
                try await Self.checkReachable(row.floatingNetworkID, from: mapping, sql)
            }
            try await written.update(sql)
        }
        return written
    }

    /// A fixed address takes one floating address at a time (Neutron's `FloatingIPPortAlreadyAssociated`).
    static func checkFree(_ port: String, _ fixed: String, _ sql: any SQLDatabase) async throws {
        let taken = try await FloatingIPRow.select(on: sql).where("port_id", .equal, SQLBind(port))
            .where("fixed_ip_address", .equal, SQLBind(fixed)).first(FloatingIPRow.self)
        if let taken {
            throw NeutronError.conflict(
                "FloatingIPPortAlreadyAssociated",
                "Cannot associate floating IP \(taken.floatingIPAddress) (\(taken.uuid)) with port \(port) using fixed IP \(fixed), as that fixed IP already has a floating IP on external network \(taken.floatingNetworkID)."
            )
        }
    }

    /// Traffic to a floating address reaches its fixed address through a router: one whose gateway is on the
    /// floating address's network and which has an interface on the fixed address's subnet (else Neutron's 404
    /// `ExternalGatewayForFloatingIPNotFound`).
    static func checkReachable(_ external: String, from mapping: (port: Port, fixed: String), _ sql: any SQLDatabase) async throws {
        guard let subnet = mapping.port.fixedIPs.first(where: { $0.ipAddress == mapping.fixed })?.subnetID else { return }
        let router = try await sql.select().column(SQLColumn("uuid", table: "r"))
            .from(SQLAlias(SQLIdentifier(RouterRow.table), as: SQLIdentifier("r")))
            .join(
                SQLAlias(SQLIdentifier(PortRow.table), as: SQLIdentifier("p")),
                on: SQLQueryString("p.device_id = r.uuid AND p.deleted = 0 AND p.device_owner = \(bind: RouterStore.interfaceOwner)")
            )
            .join(
                SQLAlias(SQLIdentifier(IPAllocationRow.table), as: SQLIdentifier("a")),
                on: SQLQueryString("a.port_id = p.uuid AND a.deleted = 0 AND a.subnet_id = \(bind: subnet)")
            )
            .where(SQLColumn("deleted", table: "r"), .equal, SQLLiteral.numeric("0"))
            .where(SQLColumn("external_network_id", table: "r"), .equal, SQLBind(external)).limit(1).first()
        guard router == nil else { return }
        throw NeutronError(
            code: 404, type: "ExternalGatewayForFloatingIPNotFound",
            message:
                "External network \(external) is not reachable from subnet \(subnet).  Therefore, cannot associate Port \(mapping.port.row.uuid) with a Floating IP."
        )
    }

    /// Releases the address and its port.
    public func delete(_ row: FloatingIPRow) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            try await PortStore.delete([row.floatingPortID], at: now, sql)
            _ = try await sql.softDelete(from: FloatingIPRow.table, matching: [("uuid", row.uuid)], at: now)
        }
    }

    /// The floating addresses mapped to ports of `devices` (servers), by device: one query for a whole page.
    public static func addresses(ofDevices devices: [String], _ sql: any SQLDatabase) async throws -> [String: [FloatingAddress]] {
        guard !devices.isEmpty else { return [:] }
        let rows = try await sql.select().column(SQLName("device_id", table: "p")).column(SQLName("mac_address", table: "p"))
            .column(SQLName("name", table: "n")).column(SQLName("floating_ip_address", table: "f"))
            .from(SQLAlias(SQLName(PortRow.table), as: SQLName("p")))
            .join(SQLAlias(SQLName(FloatingIPRow.table), as: SQLName("f")), on: SQLRaw("f.port_id = p.uuid AND f.deleted = 0"))
            .join(SQLAlias(SQLName(NetworkRow.table), as: SQLName("n")), on: SQLRaw("n.uuid = p.network_id AND n.deleted = 0"))
            .where(SQLValueList(SQLName("device_id", table: "p"), in: devices)).readDeleted(.no, table: "p")
            .orderBy(SQLName("id", table: "f")).all()
        var byDevice: [String: [FloatingAddress]] = [:]
        for row in rows {
            byDevice[try row.decode(column: "device_id", as: String.self), default: []].append(
                FloatingAddress(
                    network: try row.decode(column: "name", as: String.self), address: try row.decode(column: "floating_ip_address", as: String.self),
                    mac: try row.decode(column: "mac_address", as: String.self)))
        }
        return byDevice
    }
}
