import Foundation
public import NovaKitCore
public import NovaKitStorage
import SQLKit

/// The network service's quotas: Neutron's defaults, a project's own limits where an admin set them, and
/// usage counted in SQL. A create beyond the limit is Neutron's 409 `OverQuota`.
public struct NetworkQuotaStore: Sendable {
    let database: Database
    let clock: any NovaClock

    public init(database: Database, clock: any NovaClock) {
        self.database = database
        self.clock = clock
    }

    /// Each resource, its default limit, and the table (and filter) its usage is counted in.
    static let resources: [(name: String, limit: Int, table: String)] = [
        ("network", 100, NetworkRow.table), ("subnet", 100, SubnetRow.table), ("port", 500, PortRow.table),
        ("router", 10, RouterRow.table), ("floatingip", 50, "floatingips"), ("security_group", 10, "security_groups"),
        ("security_group_rule", 100, "security_group_rules"), ("rbac_policy", 10, ""), ("subnetpool", -1, ""),
    ]

    public static let migration = SchemaMigration("network/002_create_network_quotas") { sql, _ in
        try await sql.createSoftDeletableTable("network_quotas") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("project_id", type: .text, .notNull)
                .column("resource", type: .text, .notNull).column("hard_limit", type: .int, .notNull)
        }
        try await sql.create(index: "network_quotas_project_idx").on("network_quotas").column("project_id").column("deleted").run()
    }

    public static var defaults: [String: Int] { Dictionary(uniqueKeysWithValues: resources.map { ($0.name, $0.limit) }) }

    /// The project's limits: defaults overlaid with what an admin set.
    public func limits(_ project: String) async throws -> [String: Int] {
        let own = try await database.read { sql in try await Self.own(project, sql) }
        return Self.defaults.merging(own) { _, set in set }
    }

    static func own(_ project: String, _ sql: any SQLDatabase) async throws -> [String: Int] {
        var limits: [String: Int] = [:]
        for row in try await sql.select().columns("resource", "hard_limit").from("network_quotas").where("project_id", .equal, SQLBind(project))
            .readDeleted(.no).all()
        {
            limits[try row.decode(column: "resource", as: String.self)] = try row.decode(column: "hard_limit", as: Int.self)
        }
        return limits
    }

    /// The projects with limits of their own.
    public func projects() async throws -> [String: [String: Int]] {
        try await database.read { sql in
            var byProject: [String: [String: Int]] = [:]
            for row in try await sql.select().columns("project_id", "resource", "hard_limit").from("network_quotas").readDeleted(.no).all() {
                byProject[try row.decode(column: "project_id", as: String.self), default: [:]][try row.decode(column: "resource", as: String.self)] =
                    try row.decode(column: "hard_limit", as: Int.self)
            }
            return byProject
        }
    }

    public func set(_ project: String, _ limits: [String: Int]) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            for (resource, limit) in limits {
                try await sql.setLive(
                    in: "network_quotas", matching: [("project_id", project), ("resource", resource)], values: [("hard_limit", limit)], at: now)
            }
        }
    }

    public func reset(_ project: String) async throws {
        let now = clock.now()
        _ = try await database.withConnection { sql in try await sql.softDelete(from: "network_quotas", matching: [("project_id", project)], at: now)
        }
    }

    /// How much of each counted resource the project uses.
    public func usage(_ project: String) async throws -> [String: Int] {
        try await database.read { sql in
            var used: [String: Int] = [:]
            for resource in Self.resources {
                used[resource.name] = resource.table.isEmpty ? 0 : try await Self.count(resource.name, project, sql)
            }
            return used
        }
    }

    static func count(_ resource: String, _ project: String, _ sql: any SQLDatabase) async throws -> Int {
        let select = sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
        let counted: SQLSelectBuilder
        switch resource {
        case "security_group_rule":
            counted = select.from("security_group_rules").where(
                SQLQueryString("parent_group_id IN (SELECT uuid FROM security_groups WHERE deleted = 0 AND project_id = \(bind: project))"))
        default:
            guard let table = resources.first(where: { $0.name == resource })?.table, !table.isEmpty else { return 0 }
            counted = select.from(table).where("project_id", .equal, SQLBind(project))
        }
        return try await counted.readDeleted(.no).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// How many more of `resource` `project` may have (negative when it is over its limit); nil when unlimited.
    public func headroom(_ resource: String, project: String) async throws -> Int? {
        let limit = try await limits(project)[resource] ?? -1
        guard limit >= 0 else { return nil }
        return limit - (try await database.read { sql in try await Self.count(resource, project, sql) })
    }

    /// Refuses one more `resource` for `project` when its limit is reached (a negative limit is unlimited).
    public func check(_ resource: String, project: String) async throws {
        let limit = try await limits(project)[resource] ?? -1
        guard limit >= 0 else { return }
        let used = try await database.read { sql in try await Self.count(resource, project, sql) }
        guard used < limit else { throw NeutronError.conflict("OverQuota", "Quota exceeded for resources: ['\(resource)'].") }
    }
}
