import Foundation
public import NovaKitCore
public import NovaKitStorage
import SQLKit

/// A project's security group and its rules, kept by the network service and shown by compute's proxy too.
public struct SecurityGroup: Sendable, Equatable {
    public var rowID: Int
    public var id: String
    public var name: String
    public var description: String
    public var projectID: String
    public var rules: [SecurityGroupRule]

    public static let defaultName = "default"
}

/// One rule: a direction, protocol and port range, to or from a CIDR or the members of another group.
public struct SecurityGroupRule: Sendable, Equatable {
    public var id: String
    public var parentGroupID: String
    public var ipProtocol: String?
    public var fromPort: Int?
    public var toPort: Int?
    public var cidr: String?
    /// The remote group's id, when the rule admits a group's members.
    public var groupID: String?
    /// `ingress` (the only direction compute's proxy shows) or `egress`.
    public var direction = "ingress"
    /// `IPv4` or `IPv6`.
    public var ethertype = "IPv4"

    public init(
        id: String, parentGroupID: String, ipProtocol: String?, fromPort: Int?, toPort: Int?, cidr: String?, groupID: String?,
        direction: String = "ingress", ethertype: String = "IPv4"
    ) {
        self.id = id
        self.parentGroupID = parentGroupID
        self.ipProtocol = ipProtocol
        self.fromPort = fromPort
        self.toPort = toPort
        self.cidr = cidr
        self.groupID = groupID
        self.direction = direction
        self.ethertype = ethertype
    }
}

/// `Security group <id> not found.` (404)
public struct SecurityGroupNotFound: FaultConvertible {
    public let id: String
    public var fault: Fault { .notFound("Security group \(id) not found.") }
}

/// The SQL of `security_groups` and `security_group_rules`; every project has a `default` group, made on
/// first use. Which groups a server is in is kept on the instance (`instances.security_groups`).
public struct SecurityGroupStore: Sendable {
    public let database: Database
    public let clock: any NovaClock
    public let ids: any IDGenerator

    public init(database: Database, clock: any NovaClock, ids: any IDGenerator) {
        self.database = database
        self.clock = clock
        self.ids = ids
    }

    public static let migration = SchemaMigration("security_groups/001_create_security_groups") { sql, _ in
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
    public func list(project: String) async throws -> [SecurityGroup] {
        let read = { try await database.read { sql in try await Self.groups(sql, where: ("project_id", project)) } }
        let groups = try await read()
        guard !groups.contains(where: { $0.name == SecurityGroup.defaultName }) else { return groups }
        _ = try await create(name: SecurityGroup.defaultName, description: "Default security group", project: project)
        return try await read()
    }

    /// Every project's live groups (an admin's `all_tenants` list), oldest first.
    public func listAll() async throws -> [SecurityGroup] {
        try await database.read { sql in try await Self.groups(sql, where: nil) }
    }

    /// A rule's direction and address family (the network service's; rules before it were ingress IPv4).
    public static let directionMigration = SchemaMigration("security_groups/002_rule_direction") { sql, _ in
        try await sql.alter(table: "security_group_rules").column("direction", type: .text).run()
        try await sql.alter(table: "security_group_rules").column("ethertype", type: .text).run()
    }

    /// Group `id`, if `project` (or an admin) may see it.
    public func get(_ id: String, project: String, isAdmin: Bool) async throws -> SecurityGroup {
        let found = try await database.read { sql in try await Self.groups(sql, where: ("uuid", id)).first }
        guard let found, isAdmin || found.projectID == project else { throw SecurityGroupNotFound(id: id) }
        return found
    }

    /// The project's group called (or with the id) `reference`.
    public func find(_ reference: String, project: String) async throws -> SecurityGroup? {
        try await list(project: project).first { $0.name == reference || $0.id == reference }
    }

    /// The live groups matching `condition`, oldest first, with their rules (read in one query).
    private static func groups(_ sql: any SQLDatabase, where condition: (String, String)?) async throws -> [SecurityGroup] {
        var select = sql.select().columns("id", "uuid", "name", "description", "project_id").from("security_groups")
        if let condition { select = select.where(SQLColumn(condition.0), .equal, SQLBind(condition.1)) }
        let rows = try await select.readDeleted(.no).orderBy("id").all()
        let ids = try rows.map { try $0.decode(column: "uuid", as: String.self) }
        var rules: [String: [SecurityGroupRule]] = [:]
        if !ids.isEmpty {
            let columns = ["uuid", "parent_group_id", "protocol", "from_port", "to_port", "cidr", "group_id", "direction", "ethertype"]
            for rule in try await sql.select().columns(columns.map { SQLColumn($0) })
                .from("security_group_rules").where("parent_group_id", .in, ids).readDeleted(.no).orderBy("id").all()
            {
                let parent = try rule.decode(column: "parent_group_id", as: String.self)
                rules[parent, default: []].append(
                    SecurityGroupRule(
                        id: try rule.decode(column: "uuid"), parentGroupID: parent, ipProtocol: try rule.decode(column: "protocol", as: String?.self),
                        fromPort: try rule.decode(column: "from_port", as: Int?.self), toPort: try rule.decode(column: "to_port", as: Int?.self),
                        cidr: try rule.decode(column: "cidr", as: String?.self), groupID: try rule.decode(column: "group_id", as: String?.self),
                        direction: try rule.decode(column: "direction", as: String?.self) ?? "ingress",
                        ethertype: try rule.decode(column: "ethertype", as: String?.self) ?? "IPv4"))
            }
        }
        return try zip(rows, ids).map { row, id in
            SecurityGroup(
                rowID: try row.decode(column: "id"), id: id, name: try row.decode(column: "name"), description: try row.decode(column: "description"),
                projectID: try row.decode(column: "project_id"), rules: rules[id] ?? [])
        }
    }

    public func create(name: String, description: String, project: String) async throws -> SecurityGroup {
        let id = ids.uuid()
        let now = clock.now()
        try await database.withConnection { sql in
            try await sql.insert(into: "security_groups").columns("uuid", "name", "description", "project_id", "created_at", "deleted")
                .values(SQLBind(id), SQLBind(name), SQLBind(description), SQLBind(project), SQLBind(now), SQLBind(0)).run()
        }
        return SecurityGroup(rowID: 0, id: id, name: name, description: description, projectID: project, rules: [])
    }

    public func update(_ group: SecurityGroup, name: String, description: String) async throws {
        let now = clock.now()
        try await database.withConnection { sql in
            try await sql.update("security_groups").set("name", to: SQLBind(name)).set("description", to: SQLBind(description))
                .set("updated_at", to: SQLBind(now)).where("uuid", .equal, SQLBind(group.id)).readDeleted(.no).run()
        }
    }

    public func delete(_ group: SecurityGroup) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            _ = try await sql.softDelete(from: "security_group_rules", matching: [("parent_group_id", group.id)], at: now)
            // Rules of other groups that admitted this group's members go with it.
            _ = try await sql.softDelete(from: "security_group_rules", matching: [("group_id", group.id)], at: now)
            _ = try await sql.softDelete(from: "security_groups", id: group.rowID, at: now)
        }
    }

    public func addRule(_ rule: SecurityGroupRule) async throws {
        let now = clock.now()
        try await database.withConnection { sql in
            try await sql.insert(into: "security_group_rules")
                .columns(
                    "uuid", "parent_group_id", "protocol", "from_port", "to_port", "cidr", "group_id", "direction", "ethertype", "created_at",
                    "deleted"
                )
                .values(
                    SQLBind(rule.id), SQLBind(rule.parentGroupID), SQLBind(rule.ipProtocol), SQLBind(rule.fromPort), SQLBind(rule.toPort),
                    SQLBind(rule.cidr), SQLBind(rule.groupID), SQLBind(rule.direction), SQLBind(rule.ethertype), SQLBind(now), SQLBind(0)
                ).run()
        }
    }

    /// The rule `id` and its group, if `project` (or an admin) may see it.
    public func rule(_ id: String, project: String, isAdmin: Bool) async throws -> (SecurityGroupRule, SecurityGroup) {
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

    public func deleteRule(_ id: String) async throws {
        let now = clock.now()
        _ = try await database.withConnection { sql in
            try await sql.softDelete(from: "security_group_rules", matching: [("uuid", id)], at: now)
        }
    }
}
