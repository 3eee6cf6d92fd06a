import Foundation
import NovaKitStorage
package import SQLKit

/// The resource columns that mirror each flavor an instance row stores — the current one (`vcpus`,
/// `memory_mb`, `disk_gb`), the one before a resize (`old_…`) and the one a resize goes to (`new_…`) — so
/// quota usage and per-host usage are sums in SQL instead of decoded flavor snapshots.
package enum FlavorResources {
    /// Which flavor of the row: `flavor`, `old_flavor` or `new_flavor`.
    package enum Slot: String, Sendable, CaseIterable {
        case current = "", old = "old_", new = "new_"

        /// The flavor snapshot column.
        var flavorColumn: String { self == .current ? "flavor" : "\(rawValue)flavor" }
    }

    static let names = ["vcpus", "memory_mb", "disk_gb"]

    /// The slot's columns: `vcpus`, `memory_mb`, `disk_gb` with its prefix.
    package static func columns(_ slot: Slot) -> [String] { names.map { slot.rawValue + $0 } }

    /// The slot's column values for `resources` (`nil` clears them).
    package static func values(_ slot: Slot, _ resources: Resources?) -> [(String, any Encodable & Sendable)] {
        let numbers: [Int?] = [resources?.vcpus, resources?.memoryMB, resources?.diskGB]
        return zip(columns(slot), numbers).map { ($0, $1) }
    }

    /// Adds the nine columns and fills them from the stored flavor snapshots.
    static let migration = SchemaMigration("compute/003_flavor_resources") { sql, _ in
        for slot in Slot.allCases {
            for column in columns(slot) { try await sql.raw("ALTER TABLE instances ADD COLUMN \(unsafeRaw: column) INTEGER").run() }
        }
        struct Snapshot: Decodable {
            let vcpus: Int
            let ram: Int
            let disk: Int
            let ephemeral: Int
        }
        let rows = try await sql.select().columns("id", "flavor", "old_flavor", "new_flavor").from("instances").all()
        for row in rows {
            var update = sql.update("instances").where("id", .equal, SQLBind(try row.decode(column: "id", as: Int.self)))
            for slot in Slot.allCases {
                let text = try row.decode(column: slot.flavorColumn, as: String?.self)
                let snapshot = text.flatMap { try? JSONDecoder().decode(Snapshot.self, from: Data($0.utf8)) }
                let resources = snapshot.map { Resources(vcpus: $0.vcpus, memoryMB: $0.ram, diskGB: $0.disk + $0.ephemeral) }
                for (column, value) in values(slot, slot == .current ? resources ?? .zero : resources) {
                    update = update.set(SQLColumn(column), to: SQLBind(value))
                }
            }
            try await update.run()
        }
    }

    /// What a project's live instances hold: their count and their current flavors' sum (quota usage).
    package static func projectUsage(_ sql: any SQLDatabase, project: String) async throws -> (instances: Int, total: Resources) {
        let row = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .column(sum(SQLColumn("vcpus")), as: "vcpus").column(sum(SQLColumn("memory_mb")), as: "memory_mb")
            .column(sum(SQLColumn("disk_gb")), as: "disk_gb").from("instances").where("project_id", .equal, SQLBind(project))
            .readDeleted(.no).first()
        guard let row else { return (0, .zero) }
        return (try row.decode(column: "n", as: Int.self), try resources(row))
    }

    /// What each host's live instances hold, a resize in flight counting the larger of its two flavors
    /// (the scheduler's view).
    package static func hostUsage(_ sql: any SQLDatabase) async throws -> [String: Resources] {
        var query = sql.select().column("host").from("instances").readDeleted(.no)
            .where("host", .isNot, SQLLiteral.null).groupBy("host")
        for name in names { query = query.column(sum(larger(name, "new_" + name)), as: name) }
        var usage: [String: Resources] = [:]
        for row in try await query.all() { usage[try row.decode(column: "host", as: String.self)] = try resources(row) }
        return usage
    }

    /// `COALESCE(SUM(x), 0)`
    private static func sum(_ value: any SQLExpression) -> any SQLExpression {
        SQLFunction("COALESCE", args: SQLFunction("SUM", args: value), SQLLiteral.numeric("0"))
    }

    /// `CASE WHEN b > a THEN b ELSE COALESCE(a, 0) END` (NULL `b`: no resize in flight).
    private static func larger(_ a: String, _ b: String) -> any SQLExpression {
        SQLQueryString("CASE WHEN \(ident: b) > \(ident: a) THEN \(ident: b) ELSE COALESCE(\(ident: a), 0) END")
    }

    private static func resources(_ row: any SQLRow) throws -> Resources {
        Resources(
            vcpus: try row.decode(column: "vcpus", as: Int.self), memoryMB: try row.decode(column: "memory_mb", as: Int.self),
            diskGB: try row.decode(column: "disk_gb", as: Int.self))
    }
}
