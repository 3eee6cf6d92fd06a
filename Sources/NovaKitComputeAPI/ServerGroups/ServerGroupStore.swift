import Foundation
import NovaKitCore
import NovaKitStorage
import SQLKit

/// A server group: a placement policy its members follow (Nova's instance group).
struct ServerGroup: Sendable, Equatable {
    var rowID: Int
    var id: String
    var name: String
    var projectID: String
    var userID: String
    /// `affinity`, `anti-affinity`, `soft-affinity` or `soft-anti-affinity`.
    var policy: String
    /// 2.64's `max_server_per_host` rule (anti-affinity only).
    var maxServerPerHost: Int?
    var members: [String]

    static let policies = ["affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity"]
}

/// `Instance group <id> could not be found.` (404)
struct ServerGroupNotFound: FaultConvertible {
    let id: String
    var fault: Fault { .notFound("Instance group \(id) could not be found.") }
}

/// The SQL of `instance_groups` and `instance_group_members`; a group's members are its live instances.
struct ServerGroupStore: Sendable {
    let database: Database
    let clock: any NovaClock

    static let migration = SchemaMigration("server_groups/001_create_instance_groups") { sql, _ in
        try await sql.createSoftDeletableTable("instance_groups") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("uuid", type: .text, .notNull)
                .column("name", type: .text, .notNull).column("project_id", type: .text, .notNull).column("user_id", type: .text, .notNull)
                .column("policy", type: .text, .notNull).column("max_server_per_host", type: .int).unique(["uuid", "deleted"])
        }
        try await sql.createSoftDeletableTable("instance_group_members") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("group_id", type: .int, .notNull)
                .column("instance_uuid", type: .text, .notNull)
        }
        try await sql.create(index: "instance_group_members_group_idx").on("instance_group_members").column("group_id").column("deleted").run()
        try await sql.create(index: "instance_group_members_instance_idx").on("instance_group_members").column("instance_uuid")
            .column("deleted").run()
        try await sql.create(index: "instance_groups_project_idx").on("instance_groups").column("project_id").column("deleted").run()
    }

    private static let columns = ["id", "uuid", "name", "project_id", "user_id", "policy", "max_server_per_host"]

    private static func group(_ row: any SQLRow, members: [String]) throws -> ServerGroup {
        ServerGroup(
            rowID: try row.decode(column: "id"), id: try row.decode(column: "uuid"), name: try row.decode(column: "name"),
            projectID: try row.decode(column: "project_id"), userID: try row.decode(column: "user_id"), policy: try row.decode(column: "policy"),
            maxServerPerHost: try row.decode(column: "max_server_per_host", as: Int?.self), members: members)
    }

    /// The live instances (uuid and host) of group `rowID`, oldest first.
    static func members(of rowID: Int, _ sql: any SQLDatabase) async throws -> [(id: String, host: String?)] {
        try await sql.raw(
            """
            SELECT m.instance_uuid, i.host FROM instance_group_members m JOIN instances i ON i.uuid = m.instance_uuid AND i.deleted = 0
            WHERE m.group_id = \(bind: rowID) AND m.deleted = 0 ORDER BY m.id
            """
        ).all().map { (try $0.decode(column: "instance_uuid", as: String.self), try $0.decode(column: "host", as: String?.self)) }
    }

    /// The groups of `project` (every project's when `nil`), oldest first.
    func list(project: String?) async throws -> [ServerGroup] {
        try await database.read { sql in
            var query = sql.select().columns(Self.columns.map { SQLColumn($0) }).from("instance_groups").readDeleted(.no)
            if let project { query = query.where("project_id", .equal, SQLBind(project)) }
            var groups: [ServerGroup] = []
            for row in try await query.orderBy("id").all() {
                let rowID = try row.decode(column: "id", as: Int.self)
                groups.append(try Self.group(row, members: try await Self.members(of: rowID, sql).map(\.id)))
            }
            return groups
        }
    }

    /// The live group `id`, or 404.
    func get(_ id: String) async throws -> ServerGroup {
        try await database.read { sql in try await Self.get(id, sql) }
    }

    static func get(_ id: String, _ sql: any SQLDatabase) async throws -> ServerGroup {
        guard
            let row = try await sql.select().columns(columns.map { SQLColumn($0) }).from("instance_groups").where("uuid", .equal, SQLBind(id))
                .readDeleted(.no).first()
        else { throw ServerGroupNotFound(id: id) }
        return try group(row, members: try await members(of: try row.decode(column: "id", as: Int.self), sql).map(\.id))
    }

    /// How many live groups `project` has.
    static func count(project: String, _ sql: any SQLDatabase) async throws -> Int {
        try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("instance_groups")
            .where("project_id", .equal, SQLBind(project)).readDeleted(.no).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    static func insert(_ group: ServerGroup, at now: Date, _ sql: any SQLDatabase) async throws {
        try await sql.insert(into: "instance_groups").columns(columns.dropFirst().map { $0 } + ["created_at", "deleted"])
            .values(
                SQLBind(group.id), SQLBind(group.name), SQLBind(group.projectID), SQLBind(group.userID), SQLBind(group.policy),
                SQLBind(group.maxServerPerHost), SQLBind(now), SQLBind(0)
            ).run()
    }

    static func addMember(_ instance: String, to rowID: Int, at now: Date, _ sql: any SQLDatabase) async throws {
        try await sql.insert(into: "instance_group_members").columns("group_id", "instance_uuid", "created_at", "deleted")
            .values(SQLBind(rowID), SQLBind(instance), SQLBind(now), SQLBind(0)).run()
    }

    /// Soft-deletes the group and its memberships.
    func delete(_ group: ServerGroup) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            _ = try await sql.softDelete(from: "instance_groups", id: group.rowID, at: now)
            _ = try await sql.softDelete(from: "instance_group_members", matching: [("group_id", group.rowID)], at: now)
        }
    }

    /// The ids of the groups `instance` belongs to (2.71's `server_groups`).
    func groups(of instance: String) async throws -> [String] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT g.uuid FROM instance_group_members m JOIN instance_groups g ON g.id = m.group_id AND g.deleted = 0
                WHERE m.instance_uuid = \(bind: instance) AND m.deleted = 0 ORDER BY g.id
                """
            ).all().map { try $0.decode(column: "uuid", as: String.self) }
        }
    }
}
