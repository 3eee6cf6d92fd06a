public import Foundation
public import NovaKitCore
public import NovaKitHTTP
public import NovaKitStorage
public import SQLKit

/// One fixed address of a port.
public struct FixedIP: Sendable, Equatable {
    public var subnetID: String
    public var ipAddress: String
}

/// A port with its fixed addresses.
public struct Port: Sendable, Equatable {
    public var row: PortRow
    public var fixedIPs: [FixedIP]
}

/// What a new port asks for; `fixedIPs` `nil` means one address from the network's first IPv4 subnet and
/// one from its first IPv6 subnet.
public struct PortRequest: Sendable {
    public struct Address: Sendable {
        public var subnetID: String?
        public var ipAddress: String?
        public init(subnetID: String?, ipAddress: String?) {
            self.subnetID = subnetID
            self.ipAddress = ipAddress
        }
    }

    public var network: NetworkRow
    public var projectID: String
    public var name = ""
    public var description = ""
    public var adminStateUp = true
    public var deviceID = ""
    public var deviceOwner = ""
    public var bindingHost: String?
    public var macAddress: String?
    public var securityGroups: [String] = []
    public var fixedIPs: [Address]?
    public var computeOwned = false
    /// `ip_address,mac_address` lines.
    public var allowedAddressPairs: String?

    public init(network: NetworkRow, projectID: String) {
        self.network = network
        self.projectID = projectID
    }
}

/// The SQL of `ports` and their `ip_allocations`: creation allocates addresses from the subnets' pools
/// (the lowest free one, or the one asked for), deletion frees them.
public struct PortStore: Sendable {
    let database: Database
    let clock: any NovaClock
    let ids: any IDGenerator

    public init(database: Database, clock: any NovaClock, ids: any IDGenerator) {
        self.database = database
        self.clock = clock
        self.ids = ids
    }

    static let list = ListSQL(
        table: PortRow.table,
        fields: [
            "id": .init(column: "uuid", kind: .text), "name": .init(column: "name", kind: .text),
            "project_id": .init(column: "project_id", kind: .text), "description": .init(column: "description", kind: .text),
            "network_id": .init(column: "network_id", kind: .text), "mac_address": .init(column: "mac_address", kind: .text),
            "admin_state_up": .init(column: "admin_state_up", kind: .flag), "device_id": .init(column: "device_id", kind: .text),
            "device_owner": .init(column: "device_owner", kind: .text), "binding:host_id": .init(column: "binding_host", kind: .text),
        ], visible: visible(to:))

    static func visible(to auth: AuthContext) -> (any SQLExpression)? {
        auth.isAdmin ? nil : SQLBinaryExpression(SQLColumn("project_id", table: PortRow.table), .equal, SQLBind(auth.projectID))
    }

    /// `fixed_ips=ip_address=…` / `fixed_ips=subnet_id=…` filters as `EXISTS` over the allocations.
    static func fixedIPFilters(_ query: NeutronQuery) -> [any SQLExpression] {
        (query.values(of: "fixed_ips") ?? []).compactMap { filter in
            let parts = filter.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, ["ip_address", "subnet_id"].contains(parts[0]) else { return nil }
            return SQLQueryString(
                "EXISTS (SELECT 1 FROM \(ident: IPAllocationRow.table) a WHERE a.port_id = \(ident: PortRow.table).uuid AND a.deleted = 0 AND a.\(ident: parts[0]) = \(bind: parts[1]))"
            )
        }
    }

    public func list(_ query: NeutronQuery, _ auth: AuthContext) async throws -> [Port] {
        let rows = try await Self.list.rows(PortRow.self, query, auth, extra: Self.fixedIPFilters(query), in: database)
        return try await database.read { sql in try await Self.withAddresses(rows, sql) }
    }

    public func get(_ id: String, _ auth: AuthContext) async throws -> Port {
        guard let row = try await Self.list.row(PortRow.self, id, auth, in: database),
            let port = try await database.read({ sql in try await Self.withAddresses([row], sql).first })
        else { throw NeutronError.notFound("Port", id) }
        return port
    }

    /// The live ports bound to `device` (a server or router), oldest first.
    public static func ports(ofDevice device: String, _ sql: any SQLDatabase) async throws -> [Port] {
        try await withAddresses(PortRow.select(on: sql).where("device_id", .equal, SQLBind(device)).orderBy("id").all(PortRow.self), sql)
    }

    static func withAddresses(_ rows: [PortRow], _ sql: any SQLDatabase) async throws -> [Port] {
        guard !rows.isEmpty else { return [] }
        let allocations = try await IPAllocationRow.select(on: sql).where("port_id", .in, rows.map(\.uuid)).orderBy("id").all(IPAllocationRow.self)
        let byPort = Dictionary(grouping: allocations, by: \.portID)
        return rows.map { row in Port(row: row, fixedIPs: (byPort[row.uuid] ?? []).map { FixedIP(subnetID: $0.subnetID, ipAddress: $0.ipAddress) }) }
    }

    /// Creates a port in its own transaction.
    public func create(_ request: PortRequest) async throws -> Port {
        let (ids, now) = (ids, clock.now())
        return try await database.transaction { sql in try await Self.create(request, id: ids.uuid(), at: now, sql) }
    }

    /// Creates a port inside the caller's transaction: its row and one allocation per fixed address.
    public static func create(_ request: PortRequest, id: String, at now: Date, _ sql: any SQLDatabase) async throws -> Port {
        let subnets = try await SubnetStore.subnets(of: request.network.uuid, sql)
        var fixedIPs: [FixedIP] = []
        let wanted =
            request.fixedIPs
            ?? [4, 6].compactMap { version in subnets.first { $0.ipVersion == version }.map { PortRequest.Address(subnetID: $0.uuid, ipAddress: nil) }
            }
        for address in wanted {
            let chosen = try await allocate(address, on: request.network, subnets: subnets, taken: fixedIPs, sql)
            fixedIPs.append(chosen)
        }
        var row = PortRow(
            id: nil, uuid: id, projectID: request.projectID, name: request.name, description: request.description,
            networkID: request.network.uuid, macAddress: request.macAddress ?? randomMAC(), adminStateUp: request.adminStateUp,
            deviceID: request.deviceID, deviceOwner: request.deviceOwner, bindingHost: request.bindingHost,
            securityGroups: request.securityGroups.joined(separator: "\n"), computeOwned: request.computeOwned, createdAt: now, updatedAt: nil,
            deleted: 0)
        row.allowedAddressPairs = request.allowedAddressPairs
        try await row.insert(sql)
        for fixed in fixedIPs {
            try await IPAllocationRow(
                id: nil, portID: id, subnetID: fixed.subnetID, networkID: request.network.uuid, ipAddress: fixed.ipAddress, createdAt: now, deleted: 0
            ).insert(sql)
        }
        return Port(row: row, fixedIPs: fixedIPs)
    }

    /// One fixed address: the one asked for (it must be in the subnet and free), or the subnet's lowest free one.
    static func allocate(
        _ wanted: PortRequest.Address, on network: NetworkRow, subnets: [SubnetRow], taken: [FixedIP], _ sql: any SQLDatabase
    ) async throws -> FixedIP {
        var address: IPAddress?
        if let text = wanted.ipAddress {
            guard let parsed = IPAddress(text) else {
                throw NeutronError.badRequest("Invalid input for fixed_ips. Reason: '\(text)' is not a valid IP address.")
            }
            address = parsed
        }
        let subnet: SubnetRow
        if let subnetID = wanted.subnetID {
            guard let found = subnets.first(where: { $0.uuid == subnetID }) else {
                throw NeutronError.badRequest(
                    "Invalid input for operation: Failed to create port on network \(network.uuid), because fixed_ips included invalid subnet \(subnetID)."
                )
            }
            subnet = found
            if let address, !(IPNetwork(found.cidr)?.contains(address) ?? false) {
                throw NeutronError.badRequest("IP address \(address) is not a valid IP for the specified subnet.")
            }
        } else if let address {
            guard let found = subnets.first(where: { IPNetwork($0.cidr)?.contains(address) ?? false }) else {
                throw NeutronError.badRequest("IP address \(address) is not a valid IP for any of the subnets on the specified network.")
            }
            subnet = found
        } else {
            throw NeutronError.badRequest("Invalid input for fixed_ips. Reason: a subnet_id or ip_address is required.")
        }
        var used = Set(
            try await sql.select().column("ip_address").from(IPAllocationRow.table).where("subnet_id", .equal, SQLBind(subnet.uuid)).readDeleted(.no)
                .all().compactMap { IPAddress(try $0.decode(column: "ip_address", as: String.self)) })
        used.formUnion(taken.filter { $0.subnetID == subnet.uuid }.compactMap { IPAddress($0.ipAddress) })
        if let address {
            guard !used.contains(address) else {
                throw NeutronError.conflict("IpAddressAlreadyAllocated", "IP address \(address) already allocated in subnet \(subnet.uuid)")
            }
            return FixedIP(subnetID: subnet.uuid, ipAddress: address.description)
        }
        if let gateway = subnet.gatewayIP.flatMap(IPAddress.init) { used.insert(gateway) }
        for pool in subnet.pools where pool.start <= pool.end {
            var candidate = pool.start.value
            while candidate <= pool.end.value {
                let next = IPAddress(version: pool.start.version, value: candidate)
                if !used.contains(next) { return FixedIP(subnetID: subnet.uuid, ipAddress: next.description) }
                candidate += 1
            }
        }
        throw NeutronError.conflict("IpAddressGenerationFailure", "No more IP addresses available on network \(network.uuid).")
    }

    static func randomMAC() -> String {
        "fa:16:3e:" + Hex.string((0..<3).map { _ in UInt8.random(in: 0...255) }, separator: ":")
    }

    public func update(_ row: PortRow) async throws {
        var changed = row
        changed.updatedAt = clock.now()
        let written = changed
        try await database.withConnection { sql in try await written.update(sql) }
    }

    public func delete(_ port: PortRow) async throws {
        let now = clock.now()
        try await database.transaction { sql in try await Self.delete([port.uuid], at: now, sql) }
    }

    /// Deletes the ports and frees their addresses.
    static func delete(_ ports: [String], at now: Date, _ sql: any SQLDatabase) async throws {
        guard !ports.isEmpty else { return }
        // A floating address mapped to a deleted port stays the project's, unmapped (as in Neutron).
        try await sql.update(FloatingIPRow.table).set("port_id", to: SQLLiteral.null).set("fixed_ip_address", to: SQLLiteral.null)
            .set("updated_at", to: SQLBind(now)).where("port_id", .in, ports).readDeleted(.no).run()
        for (table, column) in [(IPAllocationRow.table, "port_id"), (PortRow.table, "uuid")] {
            try await sql.update(table).set("deleted", to: SQLColumn("id")).set("deleted_at", to: SQLBind(now)).where(column, .in, ports)
                .readDeleted(.no).run()
        }
    }

    /// Binds a free port to `device`; `false` when the port is gone or already bound (one conditional UPDATE).
    public static func bind(_ port: String, device: String, owner: String, host: String?, at now: Date, _ sql: any SQLDatabase) async throws -> Bool {
        try await !sql.update(PortRow.table).set("device_id", to: SQLBind(device)).set("device_owner", to: SQLBind(owner))
            .set("binding_host", to: SQLBind(host)).set("updated_at", to: SQLBind(now)).where("uuid", .equal, SQLBind(port))
            .where("device_id", .equal, SQLBind("")).readDeleted(.no).returning("id").all().isEmpty
    }

    /// Rewrites the security groups of every port of `device` (a server joining or leaving a group).
    public static func changeSecurityGroups(
        device: String, at now: Date, _ sql: any SQLDatabase, _ change: @Sendable ([String]) -> [String]
    ) async throws {
        for port in try await PortRow.select(on: sql).where("device_id", .equal, SQLBind(device)).all(PortRow.self) {
            let groups = change(port.securityGroups.split(separator: "\n").map(String.init))
            try await sql.update(PortRow.table).set("security_groups", to: SQLBind(groups.joined(separator: "\n")))
                .set("updated_at", to: SQLBind(now)).where("uuid", .equal, SQLBind(port.uuid)).readDeleted(.no).run()
        }
    }

    /// What a server's deletion does to its ports: those compute made for it are deleted, the ones it was
    /// given are unbound and kept.
    public static func release(device: String, at now: Date, _ sql: any SQLDatabase) async throws {
        let ports = try await PortRow.select(on: sql).where("device_id", .equal, SQLBind(device)).all(PortRow.self)
        try await release(ports, at: now, sql)
    }

    /// One port's release, as a detached interface's.
    public static func release(port: PortRow, at now: Date, _ sql: any SQLDatabase) async throws {
        try await release([port], at: now, sql)
    }

    private static func release(_ ports: [PortRow], at now: Date, _ sql: any SQLDatabase) async throws {
        try await delete(ports.filter(\.computeOwned).map(\.uuid), at: now, sql)
        let kept = ports.filter { !$0.computeOwned }.map(\.uuid)
        guard !kept.isEmpty else { return }
        try await sql.update(PortRow.table).set("device_id", to: SQLBind("")).set("device_owner", to: SQLBind(""))
            .set("binding_host", to: SQLLiteral.null).set("updated_at", to: SQLBind(now)).where("uuid", .in, kept).readDeleted(.no).run()
    }
}
