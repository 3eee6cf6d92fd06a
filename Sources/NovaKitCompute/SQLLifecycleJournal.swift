import Foundation
package import NovaKitCore
package import NovaKitStorage
import SQLKit

/// Writes the engine's reports where Nova keeps them: `instance_actions_events` under the instance's latest
/// instance action (which the API records with the request id), and the status of its latest migration.
package struct SQLLifecycleJournal: LifecycleJournal {
    let database: Database
    let clock: any NovaClock
    let host: String

    package init(database: Database, clock: any NovaClock, host: String) {
        self.database = database
        self.clock = clock
        self.host = host
    }

    public func stepStarted(_ instance: String, action: InstanceAction, step: DriverStep) async throws {
        let now = clock.now()
        try await database.withConnection { sql in
            guard let actionID = try await Self.latestAction(instance, sql) else { return }
            try await sql.insert(into: "instance_actions_events")
                .columns("action_id", "event", "start_time", "host", "created_at", "deleted")
                .values(SQLBind(actionID), SQLBind("compute_\(step.rawValue)"), SQLBind(now), SQLBind(host), SQLBind(now), SQLBind(0)).run()
        }
    }

    public func stepFinished(_ instance: String, action: InstanceAction, step: DriverStep, failure: String?) async throws {
        let now = clock.now()
        try await database.withConnection { sql in
            guard let actionID = try await Self.latestAction(instance, sql) else { return }
            try await sql.update("instance_actions_events").set("finish_time", to: SQLBind(now))
                .set("result", to: SQLBind(failure == nil ? "Success" : "Error")).set("traceback", to: SQLBind(failure))
                .set("updated_at", to: SQLBind(now))
                .where("action_id", .equal, SQLBind(actionID)).where("event", .equal, SQLBind("compute_\(step.rawValue)"))
                .where("finish_time", .is, SQLLiteral.null).readDeleted(.no).run()
            var action = sql.update("instance_actions").set("finish_time", to: SQLBind(now)).set("updated_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(actionID))
            // As Nova: an action with a failed event carries the message "Error".
            if failure != nil { action = action.set("message", to: SQLBind("Error")) }
            try await action.run()
        }
    }

    public func migration(_ instance: String, status: MigrationStatus) async throws {
        let now = clock.now()
        try await database.withConnection { sql in
            let latest = try await sql.select().column("id").from("migrations").where("instance_uuid", .equal, SQLBind(instance))
                .readDeleted(.no).orderBy("id", .descending).first()?.decode(column: "id", as: Int.self)
            guard let latest else { return }
            // An aborted migration keeps its `cancelled` status whatever the work reports afterwards.
            try await sql.update("migrations").set("status", to: SQLBind(status.rawValue)).set("updated_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(latest)).where("status", .notEqual, SQLBind(MigrationStatus.cancelled.rawValue)).run()
        }
    }

    private static func latestAction(_ instance: String, _ sql: any SQLDatabase) async throws -> Int? {
        try await sql.select().column("id").from("instance_actions").where("instance_uuid", .equal, SQLBind(instance)).readDeleted(.no)
            .orderBy("id", .descending).first()?.decode(column: "id", as: Int.self)
    }
}
