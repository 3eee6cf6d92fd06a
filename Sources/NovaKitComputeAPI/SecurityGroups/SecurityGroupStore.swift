import Foundation
import NovaKitCore
import NovaKitStorage
import SQLKit

/// A project's security group and its rules, as NovaKit's simulated network keeps them.
struct SecurityGroup: Sendable, Equatable {
    var rowID: Int
    var id: String
    var name: String
    var description: String
    var projectID: String
    var rules: [SecurityGroupRule]

    static let defaultName = "default"
}

/// One ingress rule: a protocol and port range from a CIDR or from members of another group.
struct SecurityGroupRule: Sendable, Equatable {
    var id: String
    var parentGroupID: String
    var ipProtocol: String?
    var fromPort: Int?
    var toPort: Int?
    var cidr: String?
    /// The source group's id, when the rule admits a group's members.
    var groupID: String?
}

/// `Security group <id> not found.` (404)
struct SecurityGroupNotFound: FaultConvertible {
    let id: String
    var fault: Fault { .notFound("Security group \(id) not found.") }
}

/// The SQL of `security_groups` and `security_group_rules`; every project has a `default` group, made on
/// first use. Which groups a server is in is kept on the instance (`instances.security_groups`).
struct SecurityGroupStore: Sendable {
    let database: Database
    let clock: any NovaClock
    let ids: any IDGenerator

    static let migration = SchemaMigration("security_groups/001_create_security_groups") { sql, _ in
        try await sql.createSoftDeletableTable("security_groups") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("uuid", type: .text, .notNull)
                .column("name", type: .text, .notNull).column("description", type: .text, .notNull)
                .column("project_id", type: .text, .notNull)
        }
        try await sql.createSoftDeletableTable("security_group_rules") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("uuid", type: .text, .notNull)
                .column("parent_group_id", type: .text, .notNull).column("protocol", type: .text).column("from_port", type: .int)
                .column("to_port", type: .int).column("cidr", type: .text).column("group_id", type: .text)
        }
        try await sql.create(index: "security_groups_project_idx").on("security_groups").column("project_id").column("deleted").run()
        try await sql.create(index: "security_group_rules_parent_idx").on("security_group_rules").column("parent_group_id").column("deleted").run()
    }

    /// The project's groups (its `default` made first if missing), oldest first, with their rules.
    func list(project: String) async throws -> [SecurityGroup] {
        let read = { try await database.read { sql in try await Self.groups(sql, where: ("project_id", project)) } }
        let groups = try await read()
        guard !groups.contains(where: { $0.name == SecurityGroup.defaultName }) else { return groups }
        _ = try await create(name: SecurityGroup.defaultName, description: "Default security group", project: project)
        return try await read()
    }

    /// Group `id`, if `project` (or an admin) may see it.
    func get(_ id: String, project: String, isAdmin: Bool) async throws -> SecurityGroup {
        let found = try await database.read { sql in try await Self.groups(sql, where: ("uuid", id)).first }
        guard let found, isAdmin || found.projectID == project else { throw SecurityGroupNotFound(id: id) }
        return found
    }

    /// The project's group called (or with the id) `reference`.
    func find(_ reference: String, project: String) async throws -> SecurityGroup? {
        try await list(project: project).first { $0.name == reference || $0.id == reference }
    }

    /// The live groups matching `condition`, oldest first, with their rules (read in one query).
    private static func groups(_ sql: any SQLDatabase, where condition: (String, String)) async throws -> [SecurityGroup] {
        let rows = try await sql.select().columns("id", "uuid", "name", "description", "project_id").from("security_groups")
            .where(SQLColumn(condition.0), .equal, SQLBind(condition.1)).readDeleted(.no).orderBy("id").all()
        let ids = try rows.map { try $0.decode(column: "uuid", as: String.self) }
        var rules: [String: [SecurityGroupRule]] = [:]
        if !ids.isEmpty {
            for rule in try await sql.select().columns("uuid", "parent_group_id", "protocol", "from_port", "to_port", "cidr", "group_id")
                .from("security_group_rules").where("parent_group_id", .in, ids).readDeleted(.no).orderBy("id").all()
            {
                let parent = try rule.decode(column: "parent_group_id", as: String.self)
                rules[parent, default: []].append(
                    SecurityGroupRule(
                        id: try rule.decode(column: "uuid"), parentGroupID: parent, ipProtocol: try rule.decode(column: "protocol", as: String?.self),
                        fromPort: try rule.decode(column: "from_port", as: Int?.self), toPort: try rule.decode(column: "to_port", as: Int?.self),
                        cidr: try rule.decode(column: "cidr", as: String?.self), groupID: try rule.decode(column: "group_id", as: String?.self)))
            }
        }
        return try zip(rows, ids).map { row, id in
            SecurityGroup(
                rowID: try row.decode(column: "id"), id: id, name: try row.decode(column: "name"), description: try row.decode(column: "description"),
                projectID: try row.decode(column: "project_id"), rules: rules[id] ?? [])
        }
    }

    func create(name: String, description: String, project: String) async throws -> SecurityGroup {
        let id = ids.uuid()
        let now = clock.now()
        try await database.withConnection { sql in
            try await sql.insert(into: "security_groups").columns("uuid", "name", "description", "project_id", "created_at", "deleted")
                .values(SQLBind(id), SQLBind(name), SQLBind(description), SQLBind(project), SQLBind(now), SQLBind(0)).run()
        }
        return SecurityGroup(rowID: 0, id: id, name: name, description: description, projectID: project, rules: [])
    }

    func update(_ group: SecurityGroup, name: String, description: String) async throws {
        let now = clock.now()
        try await database.withConnection { sql in
            try await sql.update("security_groups").set("name", to: SQLBind(name)).set("description", to: SQLBind(description))
                .set("updated_at", to: SQLBind(now)).where("uuid", .equal, SQLBind(group.id)).readDeleted(.no).run()
        }
    }

    func delete(_ group: SecurityGroup) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            _ = try await sql.softDelete(from: "security_group_rules", matching: [("parent_group_id", group.id)], at: now)
            _ = try await sql.softDelete(from: "security_groups", id: group.rowID, at: now)
        }
    }

    func addRule(_ rule: SecurityGroupRule) async throws {
        let now = clock.now()
        try await database.withConnection { sql in
            try await sql.insert(into: "security_group_rules")
                .columns("uuid", "parent_group_id", "protocol", "from_port", "to_port", "cidr", "group_id", "created_at", "deleted")
                .values(
                    SQLBind(rule.id), SQLBind(rule.parentGroupID), SQLBind(rule.ipProtocol), SQLBind(rule.fromPort), SQLBind(rule.toPort),
                    SQLBind(rule.cidr), SQLBind(rule.groupID), SQLBind(now), SQLBind(0)
                ).run()
        }
    }

    /// The rule `id` and its group, if `project` (or an admin) may see it.
    func rule(_ id: String, project: String, isAdmin: Bool) async throws -> (SecurityGroupRule, SecurityGroup) {
        let parent = try await database.read { sql in
            try await sql.select().column("parent_group_id").from("security_group_rules").where("uuid", .equal, SQLBind(id)).readDeleted(.no)
                .first()?.decode(column: "parent_group_id", as: String.self)
        }
        let notFound = Fault.notFound("Security group rule \(id) could not be found.")
        guard let parent, let group = try? await get(parent, project: project, isAdmin: isAdmin),
            let rule = group.rules.first(where: { $0.id == id })
        else { throw notFound }
        return (rule, group)
    }

    func deleteRule(_ id: String) async throws {
        let now = clock.now()
        _ = try await database.withConnection { sql in
            try await sql.softDelete(from: "security_group_rules", matching: [("uuid", id)], at: now)
        }
    }

    /// The project's live servers in group `name`.
    func servers(in name: String, project: String) async throws -> [String] {
        try await database.read { sql in
            try await sql.select().columns("uuid", "security_groups").from("instances").where("project_id", .equal, SQLBind(project))
                .where("security_groups", .isNot, SQLLiteral.null).readDeleted(.no).all()
                .filter { row in
                    let names = try row.decode(column: "security_groups", as: String.self)
                    return SecurityGroupNames.parse(names).contains(name)
                }
                .map { try $0.decode(column: "uuid", as: String.self) }
        }
    }

    /// Renames the group on every server of the project in it.
    func renameOnServers(from old: String, to new: String, project: String) async throws {
        for server in try await servers(in: old, project: project) {
            try await setServerGroups(server) { names in names.map { $0 == old ? new : $0 } }
        }
    }

    /// Rewrites one server's group list.
    func setServerGroups(_ server: String, _ change: @escaping @Sendable ([String]) -> [String]) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            let text = try await sql.select().column("security_groups").from("instances").where("uuid", .equal, SQLBind(server))
                .readDeleted(.no).first()?.decode(column: "security_groups", as: String?.self)
            let stored = SecurityGroupNames.text(change(SecurityGroupNames.parse(text)))
            try await sql.update("instances").set("security_groups", to: SQLBind(stored)).set("updated_at", to: SQLBind(now))
                .where("uuid", .equal, SQLBind(server)).readDeleted(.no).run()
        }
    }
}
