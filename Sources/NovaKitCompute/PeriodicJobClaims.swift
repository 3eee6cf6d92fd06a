public import Foundation
public import NovaKitStorage
import SQLKit

/// Periodic jobs (the reclaimer) shared by every node on one database: each node ticks on its own, and each
/// due run is claimed by exactly one of them, so a job runs once per period across the cluster however many
/// nodes there are. A claim is one conditional update of the job's row (`next_run_at`), so it needs no lock
/// held between runs and a node that dies holds nothing.
public struct PeriodicJobClaims: Sendable {
    let database: Database
    /// Who claims: shown in the job's row (`claimed_by`), for operators.
    let node: String

    public init(database: Database, node: String) {
        self.database = database
        self.node = node
    }

    /// The table of jobs: one row per job name, with when its next run is due and who claimed the last.
    static let migration = SchemaMigration("compute/009_periodic_jobs") { sql, _ in
        let timestamp = SQLDataType.custom(SQLRaw(sql.dialect.name == "postgresql" ? "TIMESTAMPTZ" : "DATETIME"))
        try await sql.createSoftDeletableTable("periodic_jobs") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("name", type: .text, .notNull)
                .column("next_run_at", type: timestamp, .notNull).column("claimed_by", type: .text).unique(["name", "deleted"])
        }
    }

    /// Claims the run of `job` due at `now`, if no node has: true when this node is to run it now (the next run
    /// is then due `period` later), false when it is not due or another node took it.
    public func claim(_ job: String, every period: TimeInterval, now: Date) async throws -> Bool {
        try await database.withConnection { [node] sql in
            try await sql.insert(into: "periodic_jobs").columns("name", "next_run_at", "created_at", "deleted")
                .values(SQLBind(job), SQLBind(now), SQLBind(now), SQLLiteral.numeric("0"))
                .ignoringConflicts(with: ["name", "deleted"]).run()
            return try await !sql.update("periodic_jobs").set("next_run_at", to: SQLBind(now.addingTimeInterval(period)))
                .set("claimed_by", to: SQLBind(node)).set("updated_at", to: SQLBind(now))
                .where("name", .equal, SQLBind(job)).where("next_run_at", .lessThanOrEqual, SQLBind(now)).readDeleted(.no)
                .returning("id").all().isEmpty
        }
    }
}
