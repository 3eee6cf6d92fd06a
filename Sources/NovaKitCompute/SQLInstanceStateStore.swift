import Foundation
package import NovaKitCore
import NovaKitImage
import NovaKitNetwork
package import NovaKitStorage
import SQLKit

/// The lifecycle engine's state in the `instances` table; faults go to `instance_faults`.
package struct SQLInstanceStateStore: InstanceStateStore {
    let database: Database
    let clock: any NovaClock
    /// This node's leases: an accepted task is held by this node in the transaction that stores it (on a node
    /// that runs work; an API node marks it for handing over), and let go in the one that stores the instance
    /// settled.
    let leases: SQLWorkLeases?

    package init(database: Database, clock: any NovaClock, leases: SQLWorkLeases? = nil) {
        self.database = database
        self.clock = clock
        self.leases = leases
    }

    public func record(_ instance: String) async throws -> LifecycleRecord? {
        try await database.withConnection { sql in
            guard
                let row = try await sql.select().columns("vm_state", "task_state", "power_state", "previous_vm_state", "host", "locked")
                    .from("instances").where("uuid", .equal, SQLBind(instance)).readDeleted(.no).first()
            else { return nil }
            let fault = try await Self.latestFault(instance, sql)
            let vm = VMState(rawValue: try row.decode(column: "vm_state", as: String.self)) ?? .error
            let task = try row.decode(column: "task_state", as: String?.self).flatMap(TaskState.init(rawValue:))
            let power = PowerState(rawValue: try row.decode(column: "power_state", as: Int.self)) ?? .noState
            return LifecycleRecord(
                state: InstanceState(vm, task: task, power: power),
                previous: VMState(rawValue: try row.decode(column: "previous_vm_state", as: String.self)) ?? vm,
                host: try row.decode(column: "host", as: String?.self) ?? "", locked: try row.decode(column: "locked", as: Bool.self),
                fault: fault)
        }
    }

    public func save(_ instance: String, _ record: LifecycleRecord) async throws {
        let now = clock.now()
        _ = try await database.transaction { sql in try await Self.write(instance, record, now, sql) }
    }

    public func save(_ instance: String, _ record: LifecycleRecord, ifStillIn expected: InstanceState) async throws -> Bool {
        let now = clock.now()
        return try await database.transaction { [leases] sql in
            guard try await Self.write(instance, record, now, sql, ifStillIn: expected) else { return false }
            // A new task is this node's work (or, on an API node, work to hand over); a change that leaves the states
            // as they were (a lock during a build) leaves the lease to whichever node runs the task.
            if let leases, record.state.isUnsettled, record.state != expected {
                try await SQLWorkLeases.accept(instance, by: leases, now: now, sql)
            }
            return true
        }
    }

    public func finish(_ instance: String, _ record: LifecycleRecord, after action: InstanceAction, failed: Bool) async throws {
        let now = clock.now()
        try await database.transaction { [leases] sql in
            try await Self.write(instance, record, now, sql)
            try await Self.applyEffects(of: action, failed: failed, instance, now, sql)
            if let leases, !record.state.isUnsettled {
                try await SQLWorkLeases.release(instance, by: leases.node, now: now, sql)
            }
        }
    }

    /// The flavor snapshot and its resource columns, as (current, old, new) column names: they move together.
    static let flavorColumns: [(current: String, old: String, new: String)] =
        [("flavor", "old_flavor", "new_flavor")]
        + zip(FlavorResources.columns(.current), zip(FlavorResources.columns(.old), FlavorResources.columns(.new))).map { ($0, $1.0, $1.1) }

    /// What a finished action changes beyond the states, as Nova's compute manager does at the end of it.
    private static func applyEffects(of action: InstanceAction, failed: Bool, _ instance: String, _ now: Date, _ sql: any SQLDatabase)
        async throws
    {
        let row = sql.update("instances").set("updated_at", to: SQLBind(now)).where("uuid", .equal, SQLBind(instance)).readDeleted(.no)
        // The host a move ends on: its latest migration's destination (source, for a revert).
        func migrationHost(_ column: String) async throws -> String? {
            try await sql.select().column(column).from("migrations").where("instance_uuid", .equal, SQLBind(instance)).readDeleted(.no)
                .orderBy("id", .descending).first()?.decode(column: column, as: String?.self)
        }
        switch (action, failed) {
        case (.build, false), (.rebuild, false):
            try await row.set("launched_at", to: SQLBind(now)).run()
        case (.resize, false), (.migrate, false):
            var moved = row
            for (current, old, new) in Self.flavorColumns {
                moved = moved.set(SQLIdentifier(old), to: SQLColumn(current))
                    .set(SQLIdentifier(current), to: SQLFunction("COALESCE", args: SQLColumn(new), SQLColumn(current)))
            }
            if let destination = try await migrationHost("dest_compute") {
                moved = moved.set("host", to: SQLBind(destination)).set("node", to: SQLBind(destination))
            }
            try await moved.run()
        case (.resize, true), (.migrate, true):
            try await Self.flavorColumns.reduce(row) { $0.set($1.new, to: SQLLiteral.null) }.run()
        case (.revertResize, false):
            var back = row
            for (current, old, new) in Self.flavorColumns {
                back = back.set(SQLIdentifier(current), to: SQLFunction("COALESCE", args: SQLColumn(old), SQLColumn(current)))
                    .set(old, to: SQLLiteral.null).set(new, to: SQLLiteral.null)
            }
            if let source = try await migrationHost("source_compute") {
                back = back.set("host", to: SQLBind(source)).set("node", to: SQLBind(source))
            }
            try await back.run()
        case (.confirmResize, false):
            try await Self.flavorColumns.reduce(row) { $0.set($1.old, to: SQLLiteral.null).set($1.new, to: SQLLiteral.null) }.run()
        case (.liveMigrate, false), (.evacuate, false), (.evacuateStopped, false):
            // An aborted live migration leaves the server on its source host.
            if try await migrationHost("status") != MigrationStatus.cancelled.rawValue, let destination = try await migrationHost("dest_compute") {
                try await row.set("host", to: SQLBind(destination)).set("node", to: SQLBind(destination)).run()
            }
        case (.shelve, false), (.shelveOffload, false):
            // Offloaded: the instance leaves its host (its resources there are freed).
            try await row.set("host", to: SQLLiteral.null).set("node", to: SQLLiteral.null).run()
        case (.createImage, let failed):
            try await ImageStore.finishSnapshots(of: instance, failed: failed, at: now, sql)
        case (.delete, false), (.forceDelete, false):
            try await row.set("terminated_at", to: SQLBind(now)).run()
            for table in ["instance_metadata", "instance_tags"] {
                _ = try await sql.softDelete(from: table, matching: [("instance_uuid", instance)], at: now)
            }
            _ = try await sql.softDelete(from: "instances", matching: [("uuid", instance)], at: now)
            try await PortStore.release(device: instance, at: now, sql)
        default:
            break
        }
    }

    /// Updates the instance's states (only while it is in `expected`, when given; one conditional UPDATE, so
    /// concurrent writers cannot both pass) and records a new fault; returns whether the row changed.
    @discardableResult
    private static func write(
        _ instance: String, _ record: LifecycleRecord, _ now: Date, _ sql: any SQLDatabase, ifStillIn expected: InstanceState? = nil
    ) async throws -> Bool {
        var update = sql.update("instances").set("vm_state", to: SQLBind(record.state.vm.rawValue))
            .set("task_state", to: SQLBind(record.state.task?.rawValue)).set("power_state", to: SQLBind(record.state.power.rawValue))
            .set("previous_vm_state", to: SQLBind(record.previous.rawValue)).set("locked", to: SQLBind(record.locked))
            .set("host", to: record.host.isEmpty ? SQLLiteral.null : SQLBind(record.host)).set("updated_at", to: SQLBind(now))
            .where("uuid", .equal, SQLBind(instance)).readDeleted(.no)
        if let expected {
            update = update.where("vm_state", .equal, SQLBind(expected.vm.rawValue))
            update =
                if let task = expected.task { update.where("task_state", .equal, SQLBind(task.rawValue)) } else {
                    update.where("task_state", .is, SQLLiteral.null)
                }
        }
        guard try await !update.returning("id").all().isEmpty else { return false }
        if let fault = record.fault, try await fault != Self.latestFault(instance, sql) {
            try await sql.insert(into: "instance_faults").columns("instance_uuid", "code", "message", "created_at", "deleted")
                .values(SQLBind(instance), SQLBind(500), SQLBind(fault), SQLBind(now), SQLBind(0)).run()
        }
        return true
    }

    private static func latestFault(_ instance: String, _ sql: any SQLDatabase) async throws -> String? {
        try await sql.select().column("message").from("instance_faults").where("instance_uuid", .equal, SQLBind(instance))
            .readDeleted(.no).orderBy("id", .descending).first()?.decode(column: "message", as: String.self)
    }

    /// `InstanceState.isUnsettled` in SQL, word for word as `instances_unsettled_idx` is declared: both engines
    /// use a partial index only for a query that repeats its condition.
    static let unsettledCondition = "task_state IS NOT NULL OR vm_state = 'building'"

    public func unsettled() async throws -> [String] {
        try await database.withConnection { sql in
            try await sql.select().column("uuid").from("instances").readDeleted(.no).where(SQLGroupExpression(SQLRaw(Self.unsettledCondition)))
                .orderBy("id").all().map { try $0.decode(column: "uuid", as: String.self) }
        }
    }
}
