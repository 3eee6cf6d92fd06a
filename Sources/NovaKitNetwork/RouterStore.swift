import Foundation
public import NovaKitCore
public import NovaKitHTTP
public import NovaKitStorage
import SQLKit

/// The SQL of `routers`. A router's interfaces are ports it owns (`network:router_interface`) holding each
/// subnet's gateway address.
public struct RouterStore: Sendable {
    let database: Database
    let clock: any NovaClock
    let ids: any IDGenerator

    public static let interfaceOwner = "network:router_interface"

    public init(database: Database, clock: any NovaClock, ids: any IDGenerator) {
        self.database = database
        self.clock = clock
        self.ids = ids
    }

    static let list = ListSQL(
        table: RouterRow.table,
        fields: [
            "id": .init(column: "uuid", kind: .text), "name": .init(column: "name", kind: .text),
            "project_id": .init(column: "project_id", kind: .text), "description": .init(column: "description", kind: .text),
            "admin_state_up": .init(column: "admin_state_up", kind: .flag),
        ], visible: visible(to:))

    static func visible(to auth: AuthContext) -> (any SQLExpression)? {
        auth.isAdmin ? nil : SQLBinaryExpression(SQLColumn("project_id", table: RouterRow.table), .equal, SQLBind(auth.projectID))
    }

    public func list(_ query: NeutronQuery, _ auth: AuthContext) async throws -> [RouterRow] {
        try await Self.list.rows(RouterRow.self, query, auth, in: database)
    }

    public func get(_ id: String, _ auth: AuthContext) async throws -> RouterRow {
        guard let row = try await Self.list.row(RouterRow.self, id, auth, in: database) else { throw NeutronError.notFound("Router", id) }
        return row
    }

    public func create(_ row: RouterRow) async throws {
        try await database.withConnection { sql in try await row.insert(sql) }
    }

    public func update(_ row: RouterRow) async throws {
        var changed = row
        changed.updatedAt = clock.now()
        let written = changed
        try await database.withConnection { sql in try await written.update(sql) }
    }

    /// Deletes the router; one with interfaces is a 409 (`RouterInUse`), as in Neutron.
    public func delete(_ router: RouterRow) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            guard try await PortStore.ports(ofDevice: router.uuid, sql).isEmpty else {
                throw NeutronError.conflict("RouterInUse", "Router \(router.uuid) still has ports")
            }
            _ = try await sql.softDelete(from: RouterRow.table, matching: [("uuid", router.uuid)], at: now)
        }
    }

    /// Plugs the router into `subnet` on a new port holding the subnet's gateway address.
    public func addInterface(_ router: RouterRow, subnet: SubnetRow, network: NetworkRow) async throws -> Port {
        guard let gateway = subnet.gatewayIP else {
            throw NeutronError.badRequest("Bad router request: Subnet for router interface must have a gateway IP.")
        }
        let (id, now) = (ids.uuid(), clock.now())
        return try await database.transaction { sql in
            let existing = try await PortStore.ports(ofDevice: router.uuid, sql)
            if existing.contains(where: { $0.fixedIPs.contains { $0.subnetID == subnet.uuid } }) {
                throw NeutronError.badRequest("Bad router request: Router already has a port on subnet \(subnet.uuid).")
            }
            var request = PortRequest(network: network, projectID: router.projectID)
            request.deviceID = router.uuid
            request.deviceOwner = Self.interfaceOwner
            request.fixedIPs = [.init(subnetID: subnet.uuid, ipAddress: gateway)]
            return try await PortStore.create(request, id: id, at: now, sql)
        }
    }

    /// Unplugs the router's interface on `subnet` (or the interface port `portID`); none is a 404.
    public func removeInterface(_ router: RouterRow, subnetID: String?, portID: String?) async throws -> Port {
        let now = clock.now()
        return try await database.transaction { sql in
            let ports = try await PortStore.ports(ofDevice: router.uuid, sql)
            guard
                let port = ports.first(where: { port in
                    (portID == nil || port.row.uuid == portID) && (subnetID == nil || port.fixedIPs.contains { $0.subnetID == subnetID })
                })
            else {
                throw NeutronError(
                    code: 404, type: "RouterInterfaceNotFoundForSubnet",
                    message: "Router \(router.uuid) has no interface on subnet \(subnetID ?? portID ?? "")")
            }
            try await PortStore.delete([port.row.uuid], at: now, sql)
            return port
        }
    }
}
