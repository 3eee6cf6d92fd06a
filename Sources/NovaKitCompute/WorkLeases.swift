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
    /// Whether this node runs work at all (an API node does not: it hands over whatever it accepts).
    var runsWork: Bool { get }
    /// Whether this node holds `instance`'s work, asked right after it accepted an action on it: an API node never
    /// does, and a node that runs work does unless another live node holds it — that node is running the task the
    /// new action supersedes, so the action is handed to it, and its start cancels the superseded task.
    func holds(_ instance: String) async throws -> Bool
    /// Extends this node's leases of `instances` (the work it is running).
    func renew(_ instances: [String]) async throws
    /// Claims `instance` for this node if no one holds a live lease on it (this node included); `force` ignores
    /// leases (one serving process per SQLite file: whatever a previous run held is abandoned). Returns whether
    /// it did.
    func claim(_ instance: String, force: Bool) async throws -> Bool
    /// Claims every unsettled instance whose lease ran out, or that no one holds; returns the ones claimed.
    func claimAbandoned() async throws -> [String]
    /// Lets go of `instance` if this node holds it (it settled without finishing an action).
    func release(_ instance: String) async throws
    /// Leaves `action`, just accepted on `instance` by this node but not held by it (see `holds`), to the node
    /// that holds it or, if none does, to any node that runs work, and wakes them.
    func hand(_ action: InstanceAction, of instance: String) async throws
    /// Claims handed work that no live node holds (or this node does); returns what to run.
    func claimHanded() async throws -> [HandedWork]
}

/// An action a node accepted and left for the node that runs (or is to run) the instance's work.
public struct HandedWork: Sendable, Equatable {
    public let instance: String
    public let action: InstanceAction

    public init(instance: String, action: InstanceAction) {
        self.instance = instance
        self.action = action
    }
}

extension ChangeTopic {
    /// A node handed work over (the detail: its instance).
    public static let computeWork = ChangeTopic("compute.work")
}

/// No other node: every claim succeeds and nothing is ever abandoned (tests, embedding).
public struct NoWorkLeases: WorkLeases {
    public init() {}
    public var runsWork: Bool { true }
    public func holds(_ instance: String) async throws -> Bool { true }
    public func renew(_ instances: [String]) async throws {}
    public func claim(_ instance: String, force: Bool) async throws -> Bool { true }
    public func claimAbandoned() async throws -> [String] { [] }
    public func release(_ instance: String) async throws {}
    public func hand(_ action: InstanceAction, of instance: String) async throws {}
    public func claimHanded() async throws -> [HandedWork] { [] }
}

/// Leases in the `instance_leases` table: one row per instance (`held_by` the node, `lease_until` when it
/// runs out; both NULL once the instance settles; `handed_action` the action an API node accepted and left to
/// the compute nodes, until one claims it).
public struct SQLWorkLeases: WorkLeases {
    let database: Database
    let clock: any NovaClock
    /// This node's id in `held_by`: unique per process.
    public let node: String
    /// How long a lease lasts without renewal.
    public let duration: TimeInterval
    public let runsWork: Bool

    public init(database: Database, clock: any NovaClock, node: String, duration: TimeInterval, runsWork: Bool = true) {
        self.database = database
        self.clock = clock
        self.node = node
        self.duration = duration
        self.runsWork = runsWork
    }

    static let migration = SchemaMigration("compute/010_instance_leases") { sql, _ in
        let timestamp = SQLDataType.custom(SQLRaw(sql.dialect.name == "postgresql" ? "TIMESTAMPTZ" : "DATETIME"))
        try await sql.createSoftDeletableTable("instance_leases") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("instance_uuid", type: .text, .notNull)
                .column("held_by", type: .text).column("lease_until", type: timestamp).unique(["instance_uuid", "deleted"])
        }
        try await sql.create(index: "instance_leases_held_by_idx").on("instance_leases").column("held_by").column("deleted").run()
        // The few unsettled instances among many: the compute workers look for abandoned work every few seconds, and
        // start-up recovery reads them all once.
        let unsettled = SQLInstanceStateStore.unsettledCondition
        try await sql.raw("CREATE INDEX instances_unsettled_idx ON instances (deleted, id) WHERE \(unsafeRaw: unsettled)").run()
    }

    static let handedMigration = SchemaMigration("compute/011_handed_work") { sql, _ in
        try await sql.alter(table: "instance_leases").column("handed_action", type: .text).run()
        // The compute nodes look for handed work at every notice and every few seconds: the few rows that have it.
        try await sql.raw("CREATE INDEX instance_leases_handed_idx ON instance_leases (deleted, id) WHERE \(unsafeRaw: handedCondition)").run()
    }

    /// A row with work handed over, word for word as `instance_leases_handed_idx` is declared.
    static let handedCondition = "handed_action IS NOT NULL"

    /// Takes the work of an instance whose task this node stores (inside the caller's transaction). A node that
    /// runs work holds it unless another live node does (which then gets the action handed over, see `holds`);
    /// an API node marks the row as being accepted, so no node takes it for abandoned before `hand` leaves the
    /// action in it. Either way a dead holder's run-out lease is let go: the new action supersedes its task.
    static func accept(_ instance: String, by leases: SQLWorkLeases, now: Date, _ sql: any SQLDatabase) async throws {
        try await ensureRow(instance, now: now, sql)
        // A free row (no holder, a run-out lease, or this node's) becomes this node's, or no one's on an API node.
        // Every right-hand side sees the row as it was, so the holder and its time change together.
        let free: SQLQueryString = "held_by IS NULL OR lease_until < \(bind: now) OR held_by = \(bind: leases.node)"
        let (holder, until): (any SQLExpression, any SQLExpression) =
            leases.runsWork ? (SQLBind(leases.node), SQLBind(now.addingTimeInterval(leases.duration))) : (SQLLiteral.null, SQLLiteral.null)
        try await sql.update("instance_leases").set("updated_at", to: SQLBind(now))
            .set("held_by", to: "CASE WHEN \(free) THEN \(holder) ELSE held_by END" as SQLQueryString)
            .set("lease_until", to: "CASE WHEN \(free) THEN \(until) ELSE lease_until END" as SQLQueryString)
            .where("instance_uuid", .equal, SQLBind(instance)).readDeleted(.no).run()
    }

    public func holds(_ instance: String) async throws -> Bool {
        guard runsWork else { return false }
        let holder = try await database.withConnection { sql in
            try await sql.select().column("held_by").from("instance_leases").where("instance_uuid", .equal, SQLBind(instance)).readDeleted(.no)
                .first()?.decode(column: "held_by", as: String?.self)
        }
        return holder == node
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
                // Free: run out, or held by no one for a whole lease (a server just inserted by a live node has no
                // holder until its build is submitted, a moment later). A live lease is never free, this node's
                // own included: the node is accepting or running that work, and recovering it would settle the
                // task under its feet (its own look for abandoned work could read the instance unheld just before
                // accepting it). Handed work is `claimHanded`'s: it runs the action handed over rather than
                // recovering the task.
                update = update.where(SQLRaw("NOT (\(Self.handedCondition))")).where { free in
                    free.where("lease_until", .lessThan, SQLBind(now))
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
                .where(SQLColumn("handed_action", table: "instance_leases"), .is, SQLLiteral.null)
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

    public func hand(_ action: InstanceAction, of instance: String) async throws {
        let now = clock.now()
        try await database.withConnection { sql in
            try await sql.update("instance_leases").set("handed_action", to: SQLBind(action.rawValue)).set("updated_at", to: SQLBind(now))
                .where("instance_uuid", .equal, SQLBind(instance)).readDeleted(.no).run()
        }
        await database.changes.announce(.computeWork, detail: instance)
    }

    public func claimHanded() async throws -> [HandedWork] {
        guard runsWork else { return [] }
        let now = clock.now()
        return try await database.transaction { [node, duration] sql in
            // Rows another node is claiming are skipped, not waited for: each handed action goes to one node.
            var free = sql.select().columns("id", "instance_uuid", "handed_action").from("instance_leases").readDeleted(.no)
                .where(SQLGroupExpression(SQLRaw(Self.handedCondition)))
                .where { free in
                    free.where("held_by", .is, SQLLiteral.null).orWhere("held_by", .equal, SQLBind(node))
                        .orWhere("lease_until", .lessThan, SQLBind(now))
                }
                .orderBy("id").limit(100)
            if sql.dialect.name == "postgresql" { free = free.lockingClause(SQLRaw("FOR UPDATE SKIP LOCKED")) }
            let rows = try await free.all()
            guard !rows.isEmpty else { return [] }
            let ids = try rows.map { try $0.decode(column: "id", as: Int.self) }
            try await sql.update("instance_leases").set("held_by", to: SQLBind(node)).set(
                "lease_until", to: SQLBind(now.addingTimeInterval(duration))
            )
            .set("handed_action", to: SQLLiteral.null).set("updated_at", to: SQLBind(now)).where("id", .in, SQLBind.group(ids)).run()
            return try rows.compactMap { row in
                // An action this version does not know (a newer node handed it) is claimed and left: recovery settles it.
                guard let action = InstanceAction(rawValue: try row.decode(column: "handed_action", as: String.self)) else { return nil }
                return HandedWork(instance: try row.decode(column: "instance_uuid", as: String.self), action: action)
            }
        }
    }
}
