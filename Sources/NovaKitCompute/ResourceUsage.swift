import Foundation
import NovaKitStorage
package import SQLKit

/// What each project and each host holds, kept as one counter row per project and per host
/// (`resource_usage`) by triggers on `instances`, so a quota check or a scheduling decision reads one row
/// (or one row per host) instead of summing every live instance. The triggers run inside whatever
/// transaction changes an instance, so the counters are never out of step with the rows.
///
/// A live instance counts toward its project with its current flavor, and toward its host with the larger
/// of its current and its pending resize flavor, resource by resource.
package enum ResourceUsage {
    /// The counter a row of `resource_usage` keeps: a project's or a host's.
    package enum Scope: String, Sendable {
        case project, host
    }

    static let migration = SchemaMigration("compute/005_resource_usage") { sql, engine in
        try await sql.createSoftDeletableTable("resource_usage") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("scope", type: .text, .notNull)
                .column("name", type: .text, .notNull).column("instances", type: .int, .notNull).column("vcpus", type: .int, .notNull)
                .column("memory_mb", type: .int, .notNull).column("disk_gb", type: .int, .notNull).unique(["scope", "name", "deleted"])
        }
        for statement in engine == .postgres ? postgresTriggers : sqliteTriggers { try await sql.raw(SQLQueryString(statement)).run() }
        let now = engine == .postgres ? "now()" : "unixepoch('subsec')"
        try await sql.raw(
            """
            INSERT INTO resource_usage (scope, name, instances, vcpus, memory_mb, disk_gb, created_at, deleted)
            SELECT 'project', project_id, COUNT(*), \(unsafeRaw: sums(host: false)), \(unsafeRaw: now), 0
            FROM instances WHERE deleted = 0 GROUP BY project_id
            """
        ).run()
        try await sql.raw(
            """
            INSERT INTO resource_usage (scope, name, instances, vcpus, memory_mb, disk_gb, created_at, deleted)
            SELECT 'host', host, COUNT(*), \(unsafeRaw: sums(host: true)), \(unsafeRaw: now), 0
            FROM instances WHERE deleted = 0 AND host IS NOT NULL GROUP BY host
            """
        ).run()
    }

    /// What a project's live instances hold: their count and their current flavors' sum (quota usage).
    package static func project(_ sql: any SQLDatabase, _ project: String) async throws -> (instances: Int, total: Resources) {
        let row = try await sql.select().columns("instances", "vcpus", "memory_mb", "disk_gb").from("resource_usage")
            .where("scope", .equal, SQLBind(Scope.project.rawValue)).where("name", .equal, SQLBind(project)).readDeleted(.no).first()
        guard let row else { return (0, .zero) }
        return (try row.decode(column: "instances", as: Int.self), try resources(row))
    }

    /// What each host's live instances hold (the scheduler's view); hosts holding nothing are left out.
    package static func hosts(_ sql: any SQLDatabase) async throws -> [String: Resources] {
        var usage: [String: Resources] = [:]
        for row in try await sql.select().columns("name", "vcpus", "memory_mb", "disk_gb").from("resource_usage")
            .where("scope", .equal, SQLBind(Scope.host.rawValue)).where("instances", .notEqual, SQLLiteral.numeric("0")).readDeleted(.no).all()
        {
            usage[try row.decode(column: "name", as: String.self)] = try resources(row)
        }
        return usage
    }

    /// Every host's counter row: live instances and what they hold.
    package static func hostUsage(_ sql: any SQLDatabase) async throws -> [String: HostUsage] {
        var usage: [String: HostUsage] = [:]
        for row in try await sql.select().columns("name", "instances", "vcpus", "memory_mb", "disk_gb").from("resource_usage")
            .where("scope", .equal, SQLBind(Scope.host.rawValue)).readDeleted(.no).all()
        {
            usage[try row.decode(column: "name", as: String.self)] = HostUsage(
                instances: try row.decode(column: "instances", as: Int.self), resources: try resources(row))
        }
        return usage
    }

    private static func resources(_ row: any SQLRow) throws -> Resources {
        Resources(
            vcpus: try row.decode(column: "vcpus", as: Int.self), memoryMB: try row.decode(column: "memory_mb", as: Int.self),
            diskGB: try row.decode(column: "disk_gb", as: Int.self))
    }

    // MARK: - The SQL

    private static let names = ["vcpus", "memory_mb", "disk_gb"]

    /// A row's contribution to one resource, read from `row` (`NEW`, `OLD` or nothing for a plain query).
    private static func amount(_ name: String, host: Bool, row: String = "") -> String {
        let current = "COALESCE(\(row)\(name), 0)"
        guard host else { return current }
        return "CASE WHEN \(row)new_\(name) > \(current) THEN \(row)new_\(name) ELSE \(current) END"
    }

    private static func sums(host: Bool) -> String {
        names.map { "COALESCE(SUM(\(amount($0, host: host))), 0)" }.joined(separator: ", ")
    }

    /// Adds (`sign` 1) or takes away (`sign` -1) `row`'s contribution to its project's or host's counter.
    private static func upsert(_ scope: Scope, row: String, sign: Int, now: String, filter: String) -> String {
        let key = scope == .project ? "\(row).project_id" : "\(row).host"
        let values = names.map { "\(sign) * (\(amount($0, host: scope == .host, row: row + ".")))" }.joined(separator: ", ")
        let add = (["instances"] + names).map { "\($0) = resource_usage.\($0) + excluded.\($0)" }.joined(separator: ", ")
        return """
            INSERT INTO resource_usage (scope, name, instances, vcpus, memory_mb, disk_gb, created_at, deleted)
            SELECT '\(scope.rawValue)', \(key), \(sign), \(values), \(now), 0 WHERE \(filter)
            ON CONFLICT (scope, name, deleted) DO UPDATE SET \(add), updated_at = \(now)
            """
    }

    /// The columns whose change moves a counter.
    private static let watched = "deleted, project_id, host, vcpus, memory_mb, disk_gb, new_vcpus, new_memory_mb, new_disk_gb"

    /// Both counters a row moves: its project's, and its host's when it has one.
    private static func change(_ row: String, sign: Int, now: String) -> String {
        [
            upsert(.project, row: row, sign: sign, now: now, filter: "\(row).deleted = 0"),
            upsert(.host, row: row, sign: sign, now: now, filter: "\(row).deleted = 0 AND \(row).host IS NOT NULL"),
        ]
        .map { $0 + ";" }.joined(separator: "\n")
    }

    private static var sqliteTriggers: [String] {
        let now = "unixepoch('subsec')"
        return [
            "CREATE TRIGGER instances_usage_insert AFTER INSERT ON instances BEGIN\n\(change("NEW", sign: 1, now: now))\nEND",
            "CREATE TRIGGER instances_usage_update AFTER UPDATE OF \(watched) ON instances BEGIN\n"
                + "\(change("OLD", sign: -1, now: now))\n\(change("NEW", sign: 1, now: now))\nEND",
            "CREATE TRIGGER instances_usage_delete AFTER DELETE ON instances BEGIN\n\(change("OLD", sign: -1, now: now))\nEND",
        ]
    }

    private static var postgresTriggers: [String] {
        let now = "now()"
        return [
            """
            CREATE FUNCTION instances_usage() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
            \(change("OLD", sign: -1, now: now))
                END IF;
                IF TG_OP <> 'DELETE' THEN
            \(change("NEW", sign: 1, now: now))
                END IF;
                RETURN NULL;
            END
            $$
            """,
            "CREATE TRIGGER instances_usage AFTER INSERT OR DELETE OR UPDATE OF \(watched) ON instances FOR EACH ROW EXECUTE FUNCTION instances_usage()",
        ]
    }
}

/// What one host's live instances hold, and how many there are.
public struct HostUsage: Sendable, Equatable {
    public var instances: Int
    public var resources: Resources

    public static let none = HostUsage(instances: 0, resources: .zero)
}
