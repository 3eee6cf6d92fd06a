public import Foundation
public import NovaKitCore
public import NovaKitStorage
import SQLKit

/// Who is working on which instance, so the work of a node that dies is taken over by another.
///
/// A node holds an instance's work from the moment it accepts a task (in the same transaction) until the
/// instance settles, and renews its leases while it works. Work whose lease ran out — its node was killed,
/// partitioned or stopped renewing — is claimed by a live node, which continues or settles it as start-up
/// recovery does. Claims are conditional updates, so exactly one node wins each.
public protocol WorkLeases: Sendable {
    /// Extends this node's leases of `instances` (the work it is running).
    func renew(_ instances: [String]) async throws
    /// Claims `instance` for this node if no live node holds it; `force` ignores leases held by others (one
    /// serving process per SQLite file: whatever a previous run held is abandoned). Returns whether it did.
    func claim(_ instance: String, force: Bool) async throws -> Bool
    /// Claims every unsettled instance whose lease ran out, or that no one holds; returns the ones claimed.
    func claimAbandoned() async throws -> [String]
    /// Lets go of `instance` if this node holds it (it settled without finishing an action).
    func release(_ instance: String) async throws
}

/// No other node: every claim succeeds and nothing is ever abandoned (tests, embedding).
public struct NoWorkLeases: WorkLeases {
    public init() {}
    public func renew(_ instances: [String]) async throws {}
    public func claim(_ instance: String, force: Bool) async throws -> Bool { true }
    public func claimAbandoned() async throws -> [String] { [] }
    public func release(_ instance: String) async throws {}
}

/// Leases in the `instance_leases` table: one row per instance (`held_by` the node, `lease_until` when it
/// runs out; both NULL once the instance settles).
public struct SQLWorkLeases: WorkLeases {
    let database: Database
    let clock: any NovaClock
    /// This node's id in `held_by`: unique per process.
    public let node: String
    /// How long a lease lasts without renewal.
    public let duration: TimeInterval

    public init(database: Database, clock: any NovaClock, node: String, duration: TimeInterval) {
        self.database = database
        self.clock = clock
        self.node = node
        self.duration = duration
    }

    static let migration = SchemaMigration("compute/010_instance_leases") { sql, _ in
        let timestamp = SQLDataType.custom(SQLRaw(sql.dialect.name == "postgresql" ? "TIMESTAMPTZ" : "DATETIME"))
        try await sql.createSoftDeletableTable("instance_leases") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("instance_uuid", type: .text, .notNull)
                .column("held_by", type: .text).column("lease_until", type: timestamp).unique(["instance_uuid", "deleted"])
        }
        try await sql.create(index: "instance_leases_held_by_idx").on("instance_leases").column("held_by").column("deleted").run()
        // The few unsettled instances among many: the lease keepers look for abandoned work every few seconds, and
        // start-up recovery reads them all once.
        let unsettled = SQLInstanceStateStore.unsettledCondition
        try await sql.raw("CREATE INDEX instances_unsettled_idx ON instances (deleted, id) WHERE \(unsafeRaw: unsettled)").run()
    }

    /// Makes `node` the holder of `instance`'s work for `duration` from `now`, inside the caller's transaction.
    static func hold(_ instance: String, by node: String, for duration: TimeInterval, now: Date, _ sql: any SQLDatabase) async throws {
        try await ensureRow(instance, now: now, sql)
        try await sql.update("instance_leases").set("held_by", to: SQLBind(node)).set("lease_until", to: SQLBind(now.addingTimeInterval(duration)))
            .set("updated_at", to: SQLBind(now)).where("instance_uuid", .equal, SQLBind(instance)).readDeleted(.no).run()
    }

    /// Lets go of `instance`'s work if `node` holds it (the instance settled), inside the caller's transaction.
    static func release(_ instance: String, by node: String, now: Date, _ sql: any SQLDatabase) async throws {
        try await sql.update("instance_leases").set("held_by", to: SQLLiteral.null).set("lease_until", to: SQLLiteral.null)
            .set("updated_at", to: SQLBind(now)).where("instance_uuid", .equal, SQLBind(instance)).where("held_by", .equal, SQLBind(node))
            .readDeleted(.no).run()
    }

    private static func ensureRow(_ instance: String, now: Date, _ sql: any SQLDatabase) async throws {
        try await sql.insert(into: "instance_leases").columns("instance_uuid", "created_at", "updated_at", "deleted")
            .values(SQLBind(instance), SQLBind(now), SQLBind(now), SQLLiteral.numeric("0")).ignoringConflicts(with: ["instance_uuid", "deleted"])
            .run()
    }

    public func renew(_ instances: [String]) async throws {
        guard !instances.isEmpty else { return }
        let now = clock.now()
        try await database.withConnection { [node, duration] sql in
            try await sql.update("instance_leases").set("lease_until", to: SQLBind(now.addingTimeInterval(duration)))
                .set("updated_at", to: SQLBind(now)).where("held_by", .equal, SQLBind(node))
                .where("instance_uuid", .in, SQLBind.group(instances)).readDeleted(.no).run()
        }
    }

    public func claim(_ instance: String, force: Bool) async throws -> Bool {
        let now = clock.now()
        return try await database.withConnection { [node, duration] sql in
            try await Self.ensureRow(instance, now: now, sql)
            var update = sql.update("instance_leases").set("held_by", to: SQLBind(node))
                .set("lease_until", to: SQLBind(now.addingTimeInterval(duration))).set("updated_at", to: SQLBind(now))
                .where("instance_uuid", .equal, SQLBind(instance)).readDeleted(.no)
            if !force {
                // Free: held by this node, run out, or held by no one for a whole lease (a server just inserted by
                // a live node has no holder until its build is submitted, a moment later).
                update = update.where { free in
                    free.where("held_by", .equal, SQLBind(node)).orWhere("lease_until", .lessThan, SQLBind(now))
                        .orWhere { unheld in
                            unheld.where("held_by", .is, SQLLiteral.null).where("updated_at", .lessThan, SQLBind(now.addingTimeInterval(-duration)))
                        }
                }
            }
            return try await !update.returning("id").all().isEmpty
        }
    }

    public func release(_ instance: String) async throws {
        let now = clock.now()
        try await database.withConnection { [node] sql in try await Self.release(instance, by: node, now: now, sql) }
    }

    public func claimAbandoned() async throws -> [String] {
        let now = clock.now()
        // Unsettled instances (a task in flight, or building) with no live lease: no row, released, or run out.
        let candidates = try await database.read { sql in
            try await sql.select().column(SQLColumn("uuid", table: "instances")).from("instances")
                .join(
                    "instance_leases", method: SQLJoinMethod.left,
                    on: SQLBinaryExpression(
                        SQLBinaryExpression(SQLColumn("instance_uuid", table: "instance_leases"), .equal, SQLColumn("uuid", table: "instances")),
                        .and, SQLBinaryExpression(SQLColumn("deleted", table: "instance_leases"), .equal, SQLLiteral.numeric("0")))
                )
                .readDeleted(.no, table: "instances")
                .where(SQLGroupExpression(SQLRaw(SQLInstanceStateStore.unsettledCondition)))
                .where { free in
                    free.where(SQLColumn("held_by", table: "instance_leases"), .is, SQLLiteral.null)
                        .orWhere(SQLColumn("lease_until", table: "instance_leases"), .lessThan, SQLBind(now))
                }
                .orderBy(SQLColumn("id", table: "instances")).limit(100).all()
                .map { try $0.decode(column: "uuid", as: String.self) }
        }
        var claimed: [String] = []
        for instance in candidates where try await claim(instance, force: false) { claimed.append(instance) }
        return claimed
    }
}
