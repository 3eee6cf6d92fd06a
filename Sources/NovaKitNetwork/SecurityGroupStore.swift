import Foundation
public import NovaKitCore
public import NovaKitHTTP
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

    init(row: SecurityGroupRow, rules: [SecurityGroupRule]) {
        self.init(rowID: row.id ?? 0, id: row.uuid, name: row.name, description: row.description, projectID: row.projectID, rules: rules)
    }

    public init(rowID: Int, id: String, name: String, description: String, projectID: String, rules: [SecurityGroupRule]) {
        self.rowID = rowID
        self.id = id
        self.name = name
        self.description = description
        self.projectID = projectID
        self.rules = rules
    }
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

    /// Makes the project's `default` group if it has none yet (one indexed lookup when it has).
    public func ensureDefault(project: String) async throws {
        let found = try await database.read { sql in
            try await sql.select().column("id").from("security_groups").where("project_id", .equal, SQLBind(project))
                .where("name", .equal, SQLBind(SecurityGroup.defaultName)).readDeleted(.no).limit(1).first()
        }
        if found == nil { _ = try await create(name: SecurityGroup.defaultName, description: "Default security group", project: project) }
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

    /// Rules from before directions were stored get theirs (ingress, IPv4), so filters in SQL find them.
    public static let directionDefaultsMigration = SchemaMigration("security_groups/003_rule_direction_defaults") { sql, _ in
        try await sql.update("security_group_rules").set("direction", to: SQLBind("ingress")).where("direction", .is, SQLLiteral.null).run()
        try await sql.update("security_group_rules").set("ethertype", to: SQLBind("IPv4")).where("ethertype", .is, SQLLiteral.null).run()
    }

    static let groupList = ListSQL(
        table: SecurityGroupRow.table,
        fields: [
            "id": .init(column: "uuid", kind: .text), "name": .init(column: "name", kind: .text),
            "description": .init(column: "description", kind: .text), "project_id": .init(column: "project_id", kind: .text),
        ],
        visible: { auth in
            auth.isAdmin ? nil : SQLBinaryExpression(SQLColumn("project_id", table: SecurityGroupRow.table), .equal, SQLBind(auth.projectID))
        })

    static let ruleList = ListSQL(
        table: SecurityGroupRuleRow.table,
        fields: [
            "id": .init(column: "uuid", kind: .text), "security_group_id": .init(column: "parent_group_id", kind: .text),
            "direction": .init(column: "direction", kind: .text), "ethertype": .init(column: "ethertype", kind: .text),
            "protocol": .init(column: "protocol", kind: .text), "port_range_min": .init(column: "from_port", kind: .number),
            "port_range_max": .init(column: "to_port", kind: .number), "remote_ip_prefix": .init(column: "cidr", kind: .text),
            "remote_group_id": .init(column: "group_id", kind: .text),
        ],
        visible: { auth in auth.isAdmin ? nil : ruleOfProjects([auth.projectID]) })

    /// Rules whose group belongs to one of `projects` (a rule's project is its group's).
    static func ruleOfProjects(_ projects: [String]) -> any SQLExpression {
        SQLBinaryExpression(
            SQLColumn("parent_group_id", table: SecurityGroupRuleRow.table), .in,
            SQLQueryString(
                "(SELECT uuid FROM security_groups WHERE deleted = 0 AND project_id IN \(SQLGroupExpression(projects.map { SQLBind($0) })))"))
    }

    /// A page of the groups `auth` sees, filtered, sorted and paged in SQL as `query` asks, with their rules.
    public func list(_ query: NeutronQuery, _ auth: AuthContext) async throws -> [SecurityGroup] {
        let rows = try await Self.groupList.rows(SecurityGroupRow.self, query, auth, in: database)
        return try await database.read { sql in try await Self.withRules(rows, sql) }
    }

    /// A page of the rules `auth` sees, filtered, sorted and paged in SQL, each with its group (rules not read).
    public func listRules(_ query: NeutronQuery, _ auth: AuthContext) async throws -> [(SecurityGroupRule, SecurityGroup)] {
        let byProject = query.values(of: "project_id") ?? query.values(of: "tenant_id")
        let extra = byProject.map { [Self.ruleOfProjects($0)] } ?? []
        let rows = try await Self.ruleList.rows(SecurityGroupRuleRow.self, query, auth, extra: extra, in: database)
        let parents = Array(Set(rows.map(\.parentGroupID)))
        let groups = try await database.read { sql in
            parents.isEmpty ? [] : try await SecurityGroupRow.select(on: sql).where("uuid", .in, parents).all(SecurityGroupRow.self)
        }
        let byID = Dictionary(groups.map { ($0.uuid, $0) }, uniquingKeysWith: { first, _ in first })
        return rows.compactMap { row in
            byID[row.parentGroupID].map { (row.rule, SecurityGroup(row: $0, rules: [])) }
        }
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

    /// The live groups matching `condition`, oldest first, with their rules.
    private static func groups(_ sql: any SQLDatabase, where condition: (String, String)?) async throws -> [SecurityGroup] {
        var select = SecurityGroupRow.select(on: sql)
        if let condition { select = select.where(SQLColumn(condition.0), .equal, SQLBind(condition.1)) }
        return try await withRules(try await select.orderBy("id").all(SecurityGroupRow.self), sql)
    }

    /// The groups of `rows` with their rules (read in one query).
    private static func withRules(_ rows: [SecurityGroupRow], _ sql: any SQLDatabase) async throws -> [SecurityGroup] {
        guard !rows.isEmpty else { return [] }
        let rules = try await SecurityGroupRuleRow.select(on: sql).where("parent_group_id", .in, rows.map(\.uuid)).orderBy("id")
            .all(SecurityGroupRuleRow.self)
        let byGroup = Dictionary(grouping: rules.map(\.rule), by: \.parentGroupID)
        return rows.map { SecurityGroup(row: $0, rules: byGroup[$0.uuid] ?? []) }
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
