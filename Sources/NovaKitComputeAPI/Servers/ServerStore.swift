import Foundation
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitHTTP
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// The SQL of `instances` and the rows hanging off it (metadata, tags, faults).
struct ServerStore: Sendable {
    let database: Database
    let clock: any NovaClock

    /// Inserts a new instance with its metadata, tags and (when it could not be scheduled) its fault, inside
    /// the caller's transaction.
    static func insert(_ server: Server, keyData: String?, fault: String?, _ sql: any SQLDatabase) async throws {
        let addresses = NetworkAddress.text(of: server.addresses)
        let values: [(String, any Encodable & Sendable)] =
            [
                ("uuid", server.id), ("display_name", server.name), ("display_description", server.description), ("hostname", server.hostname),
                ("project_id", server.projectID), ("user_id", server.userID), ("image_ref", server.imageRef), ("flavor", server.flavor.text),
                ("vm_state", server.state.vm.rawValue), ("task_state", server.state.task?.rawValue), ("power_state", server.state.power.rawValue),
                ("previous_vm_state", server.state.vm.rawValue), ("locked", false), ("host", server.host), ("node", server.host),
                ("key_name", server.keyName), ("key_data", keyData), ("user_data", server.userData), ("availability_zone", server.availabilityZone),
                ("reservation_id", server.reservationID), ("launch_index", server.launchIndex), ("access_ip_v4", server.accessIPv4),
                ("access_ip_v6", server.accessIPv6), ("network_info", addresses), ("config_drive", server.configDrive ? "True" : ""), ("progress", 0),
                ("security_groups", SecurityGroupNames.text(server.securityGroups)), ("auto_disk_config", server.autoDiskConfig),
                ("created_at", server.createdAt), ("deleted", 0),
            ] + FlavorResources.values(.current, server.flavor.resources)
        try await sql.insert(into: "instances").columns(values.map(\.0)).values(values.map { SQLBind($0.1) as any SQLExpression }).run()
        for (key, value) in server.metadata.sorted(by: { $0.key < $1.key }) {
            try await sql.insert(into: "instance_metadata").columns("instance_uuid", "key", "value", "created_at", "deleted")
                .values(SQLBind(server.id), SQLBind(key), SQLBind(value), SQLBind(server.createdAt), SQLBind(0)).run()
        }
        for tag in server.tags {
            try await sql.insert(into: "instance_tags").columns("instance_uuid", "tag", "created_at", "deleted")
                .values(SQLBind(server.id), SQLBind(tag), SQLBind(server.createdAt), SQLBind(0)).run()
        }
        if let fault {
            try await sql.insert(into: "instance_faults").columns("instance_uuid", "code", "message", "details", "created_at", "deleted")
                .values(SQLBind(server.id), SQLBind(500), SQLBind(fault), SQLBind("scheduling failed"), SQLBind(server.createdAt), SQLBind(0))
                .run()
        }
    }

    /// The instance `id` (live, or also deleted ones with `.yes`); 404 when there is none.
    func get(_ id: String, readDeleted: ReadDeleted = .no) async throws -> Server {
        let server = try await database.read { sql in
            try await InstanceRow.select(on: sql, readDeleted: readDeleted).where(SQLName("uuid"), .equal, SQLBind(id))
                .orderBy(SQLName("id"), SQLDirection.descending).first(InstanceRow.self).map(Server.init)
        }
        guard let server else { throw InstanceNotFound(id: id) }
        return try await withDetails([server])[0]
    }

    /// Whether the live instance `id` still exists.
    func exists(_ id: String) async throws -> Bool {
        try await database.read { sql in
            try await sql.select().column("id").from("instances").where("uuid", .equal, SQLBind(id)).readDeleted(.no).first() != nil
        }
    }

    /// Sets columns of a live instance directly (admin reset-state, rebuild's new image, …).
    func set(_ id: String, _ values: [(String, any Encodable & Sendable)]) async throws {
        let now = clock.now()
        try await database.withConnection { sql in
            var query = sql.update("instances").set("updated_at", to: SQLBind(now)).where("uuid", .equal, SQLBind(id)).readDeleted(.no)
            for (column, value) in values { query = query.set(SQLColumn(column), to: SQLBind(value)) }
            try await query.run()
        }
    }

    /// The servers with their metadata, tags (sorted) and latest fault: one statement over the three tables for all
    /// of them (`InstanceChildRow`). The servers are taken (`consuming`) and filled in place: a copy of each would
    /// retain every one of its strings again.
    func withDetails(_ servers: consuming [Server]) async throws -> [Server] {
        guard !servers.isEmpty else { return [] }
        // The page's ids, and those of the servers whose view shows a fault (only theirs are read), taken from the
        // fields themselves: calling `showsFault` on each element copied the whole server first (the disassembly
        // showed a copy of every server there).
        let (ids, faulted) = servers.withUnsafeBufferPointer { servers in
            var ids: [String] = []
            var faulted: [String] = []
            ids.reserveCapacity(servers.count)
            for index in servers.indices {
                ids.append(servers[index].id)
                if Server.showsFault(deleted: servers[index].deleted, state: servers[index].state) { faulted.append(servers[index].id) }
            }
            return (ids, faulted)
        }
        let (metadata, tags, faults) = try await database.read { sql in
            var metadata: [String: [String: String]] = [:]
            var tags: [String: [String]] = [:]
            var faults: [String: (id: Int, fault: InstanceFault)] = [:]
            for row in try await InstanceChildRow.select(of: ids, faultsOf: faulted, on: sql).all(InstanceChildRow.self) {
                switch row {
                case .metadata(let instance, let key, let value): metadata[instance, default: [:]][key] = value
                case .tag(let instance, let tag): tags[instance, default: []].append(tag)
                case .fault(let instance, let id, let fault):
                    if faults[instance].map({ $0.id < id }) ?? true { faults[instance] = (id, fault) }
                }
            }
            return (metadata, tags, faults)
        }
        var filled = consume servers
        // Servers come without metadata, tags or a fault: only those the statement found any for are filled in
        // (looking each server up in three empty dictionaries hashed its id three times).
        guard !metadata.isEmpty || !tags.isEmpty || !faults.isEmpty else { return filled }
        for index in filled.indices {
            let id = filled[index].id
            if let items = metadata[id] { filled[index].metadata = items }
            if let names = tags[id] { filled[index].tags = names.sorted() }
            if let latest = faults[id] { filled[index].fault = latest.fault }
        }
        return filled
    }
}

extension ServerStore {
    /// The server `{id}` the caller may see, as the policy target (admins see every project's; others get a 404,
    /// never a 403). `readDeleted` also finds deleted servers (instance actions from 2.21).
    func lookup(readDeleted: @escaping @Sendable (APIRequest) -> ReadDeleted = { _ in .no }) -> MemberLookup<Server> {
        .target { [self] id, request in
            let server = try await get(id, readDeleted: readDeleted(request))
            guard request.auth.isAdmin || server.projectID == request.auth.projectID else { throw InstanceNotFound(id: id) }
            return (server, ["project_id": server.projectID, "user_id": server.userID])
        }
    }
}
