public import Foundation
public import NovaKitStorage
import SQLKit

/// What `/metrics` reports of the compute service, read from the database at scrape time (so every node
/// on a shared database reports the same cloud): live servers by `vm_state`, and servers with a task in
/// flight with the age of the oldest one.
public struct ComputeStatistics: Sendable {
    public let serversByState: [String: Int]
    public let tasksInFlight: Int
    /// When the longest-running task last moved (its server's `updated_at`); `nil` when none is in flight.
    public let oldestTaskSince: Date?

    /// Two aggregate queries over the state and task-state indexes.
    public static func read(_ database: Database) async throws -> ComputeStatistics {
        try await database.read { sql in
            let states = try await sql.select().column("vm_state").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "servers")
                .from("instances").where("deleted", .equal, SQLBind(0)).groupBy("vm_state").all()
            var byState: [String: Int] = [:]
            for row in states { byState[try row.decode(column: "vm_state", as: String.self)] = try row.decode(column: "servers", as: Int.self) }
            let tasks = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "tasks")
                .column(SQLFunction("MIN", args: SQLColumn("updated_at")), as: "oldest")
                .from("instances").where("deleted", .equal, SQLBind(0)).where("task_state", .isNot, SQLLiteral.null).first()
            return ComputeStatistics(
                serversByState: byState, tasksInFlight: try tasks?.decode(column: "tasks", as: Int.self) ?? 0,
                oldestTaskSince: try tasks?.decode(column: "oldest", as: Date?.self))
        }
    }
}
