import Foundation
import NovaKitAPI
public import NovaKitCore
import NovaKitPolicy
public import NovaKitStorage
public import SQLKit

/// Per-project quota limits over Nova's defaults, and the check that guards every create.
public struct QuotaStore: Sendable {
    let database: Database
    let clock: any NovaClock

    public init(database: Database, clock: any NovaClock) {
        self.database = database
        self.clock = clock
    }

    /// Nova's default limits (`-1` is unlimited).
    public static let defaults: [String: Int] = [
        "instances": 10, "cores": 20, "ram": 51200, "metadata_items": 128, "key_pairs": 100, "server_groups": 10,
        "server_group_members": 10, "injected_files": 5, "injected_file_content_bytes": 10240, "injected_file_path_bytes": 255,
        "fixed_ips": -1, "floating_ips": 10, "security_groups": 10, "security_group_rules": 20,
    ]

    /// The quota-set keys a microversion shows: network ones go at 2.36, injected files at 2.57.
    public static func keys(at version: APIVersion) -> [String] {
        var keys = defaults.keys.sorted()
        if version >= APIVersion(2, 36) { keys.removeAll { ["fixed_ips", "floating_ips", "security_groups", "security_group_rules"].contains($0) } }
        if version >= APIVersion(2, 57) { keys.removeAll { $0.hasPrefix("injected_file") } }
        return keys
    }

    static let migration = SchemaMigration("quotas/001_create_quotas") { sql, _ in
        try await sql.createSoftDeletableTable("quotas") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("project_id", type: .text, .notNull)
                .column("resource", type: .text, .notNull).column("hard_limit", type: .int, .notNull)
                .unique(["project_id", "resource", "deleted"])
        }
    }

    /// Quota classes (`os-quota-class-sets`): the `default` class overrides Nova's defaults for every project.
    static let classMigration = SchemaMigration("quotas/002_create_quota_classes") { sql, _ in
        try await sql.createSoftDeletableTable("quota_classes") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("class_name", type: .text, .notNull)
                .column("resource", type: .text, .notNull).column("hard_limit", type: .int, .notNull)
                .unique(["class_name", "resource", "deleted"])
        }
    }

    /// The class every project falls back to.
    public static let defaultClass = "default"

    /// The project's limits: its own values over the `default` quota class over Nova's defaults.
    public func limits(for project: String, _ sql: (any SQLDatabase)? = nil) async throws -> [String: Int] {
        let read: @Sendable (any SQLDatabase) async throws -> [String: Int] = { sql in
            var limits = try await Self.classLimits(Self.defaultClass, sql)
            let rows = try await sql.select().columns("resource", "hard_limit").from("quotas").where("project_id", .equal, SQLBind(project))
                .readDeleted(.no).all()
            for row in rows { limits[try row.decode(column: "resource", as: String.self)] = try row.decode(column: "hard_limit", as: Int.self) }
            return limits
        }
        if let sql { return try await read(sql) }
        return try await database.read(read)
    }

    /// A server or an image holds at most the project's `metadata_items` entries (403 beyond).
    func checkMetadataItems(_ count: Int, project: String) async throws {
        let limit = try await limits(for: project)["metadata_items"] ?? -1
        if limit >= 0, count > limit { throw QuotaExceeded(resource: "metadata_items", requested: count, used: 0, limit: limit) }
    }

    /// A quota class's limits: its own values over the `default` class over Nova's defaults.
    public func classLimits(_ name: String) async throws -> [String: Int] {
        try await database.read { sql in try await Self.classLimits(name, sql) }
    }

    static func classLimits(_ name: String, _ sql: any SQLDatabase) async throws -> [String: Int] {
        let rows = try await sql.select().columns("class_name", "resource", "hard_limit").from("quota_classes")
            .where("class_name", .in, SQLBind.group(Array(Set([defaultClass, name])))).readDeleted(.no).all()
        var limits = defaults
        // The default class first, then the named one over it.
        for wanted in [defaultClass, name] {
            for row in rows where try row.decode(column: "class_name", as: String.self) == wanted {
                limits[try row.decode(column: "resource", as: String.self)] = try row.decode(column: "hard_limit", as: Int.self)
            }
        }
        return limits
    }

    /// Sets a quota class's limits for the given resources.
    func setClass(_ values: [String: Int], for name: String) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            for (resource, limit) in values.sorted(by: { $0.key < $1.key }) {
                try await sql.setLive(
                    in: "quota_classes", matching: [("class_name", name), ("resource", resource)], values: [("hard_limit", limit)], at: now)
            }
        }
    }

    /// Sets the project's limits for the given resources.
    func set(_ values: [String: Int], for project: String) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            for (resource, limit) in values.sorted(by: { $0.key < $1.key }) {
                try await sql.setLive(
                    in: "quotas", matching: [("project_id", project), ("resource", resource)], values: [("hard_limit", limit)], at: now)
            }
        }
    }

    /// Drops the project's own values: it falls back to the defaults.
    func reset(_ project: String) async throws {
        let now = clock.now()
        _ = try await database.withConnection { sql in
            try await sql.softDelete(from: "quotas", where: "project_id", equals: project, rowIDColumn: "id", at: now)
        }
    }

    /// Runs `body` in a transaction after checking that `requested` more of `resource` fits the
    /// project's limit given `used` (counted inside the same transaction). Concurrent checks for one
    /// project are serialized (SQLite has one writer; PostgreSQL takes a transaction advisory lock), so
    /// exactly the limit is ever reached. Over the limit: 403 `Quota exceeded for …`.
    public func withQuota<T: Sendable>(
        _ resource: String, project: String, requested: Int = 1, used: @escaping @Sendable (any SQLDatabase) async throws -> Int,
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await withQuotas([resource: requested], count: (1, 1), project: project, used: { [resource: try await used($0)] }) { sql, _ in
            try await body(sql)
        }
    }

    /// The same check for several resources and a count range (Nova's `min_count`/`max_count`): `perUnit`
    /// of each resource per instance; `body` gets the largest count in the range that fits every limit.
    public func withQuotas<T: Sendable>(
        _ perUnit: [String: Int], count: (min: Int, max: Int), project: String,
        used: @escaping @Sendable (any SQLDatabase) async throws -> [String: Int],
        _ body: @escaping @Sendable (any SQLDatabase, Int) async throws -> T
    ) async throws -> T {
        let kind = database.kind
        return try await database.transaction { sql in
            if kind == .postgres {
                try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "quota:" + project)))").run()
            }
            let limits = try await limits(for: project, sql)
            let inUse = try await used(sql)
            var allowed = count.max
            for (resource, amount) in perUnit where amount > 0 {
                let limit = limits[resource] ?? -1
                guard limit >= 0 else { continue }
                allowed = Swift.min(allowed, (limit - (inUse[resource] ?? 0)) / amount)
            }
            if allowed < count.min {
                let (resource, amount) =
                    perUnit.sorted { $0.key > $1.key }.first { resource, amount in
                        let limit = limits[resource] ?? -1
                        return limit >= 0 && (inUse[resource] ?? 0) + amount * count.min > limit
                    } ?? perUnit.first!
                throw QuotaExceeded(resource: resource, requested: amount * count.min, used: inUse[resource] ?? 0, limit: limits[resource] ?? -1)
            }
            return try await body(sql, allowed)
        }
    }
}

/// `Quota exceeded for key_pairs: Requested 1, but already used 20 of 20 key_pairs` (403).
public struct QuotaExceeded: FaultConvertible {
    let resource: String
    let requested: Int
    let used: Int
    let limit: Int
    public var fault: Fault {
        .forbidden("Quota exceeded for \(resource): Requested \(requested), but already used \(used) of \(limit) \(resource)")
    }
}
