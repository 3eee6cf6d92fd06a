import Foundation
import NovaKitAPI
import NovaKitCore
import NovaKitHTTP
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// One recorded API action on an instance, with its compute events.
struct InstanceActionRecord: Sendable {
    struct Event: Sendable {
        var name: String
        var start: Date?
        var finish: Date?
        var result: String?
        var traceback: String?
        var host: String?
    }

    var id: Int
    var instance: String
    var action: String
    var requestID: String
    var userID: String?
    var projectID: String?
    var start: Date?
    var message: String?
    var updated: Date?
    var events: [Event] = []
}

/// The SQL of `instance_actions` and `instance_actions_events` (the lifecycle journal writes the events).
struct InstanceActionStore: Sendable {
    let database: Database
    let clock: any NovaClock

    /// Records that `request` started `action` on `instance` (Nova's `InstanceAction.action_start`).
    func start(_ action: String, instance: String, request: APIRequest) async throws {
        let now = clock.now()
        try await database.withConnection { sql in try await Self.start(action, instance: instance, request: request, at: now, sql) }
    }

    static func start(_ action: String, instance: String, request: APIRequest, at now: Date, _ sql: any SQLDatabase) async throws {
        try await sql.insert(into: "instance_actions")
            .columns("instance_uuid", "action", "request_id", "user_id", "project_id", "start_time", "created_at", "updated_at", "deleted")
            .values(
                SQLBind(instance), SQLBind(action), SQLBind(request.requestID), SQLBind(request.auth.userID), SQLBind(request.auth.projectID),
                SQLBind(now), SQLBind(now), SQLBind(now), SQLBind(0)
            ).run()
    }

    /// Actions recorded for `instance`, newest first: changed within `changes` (an action never updated is
    /// before any time), after the action `marker` (400 when the instance has none such), at most `limit`.
    func list(
        instance: String, changesSince: Date? = nil, changesBefore: Date? = nil, limit: Int = .max, marker: String? = nil
    ) async throws -> [InstanceActionRecord] {
        try await database.read { sql in
            var query = sql.select()
                .columns("id", "instance_uuid", "action", "request_id", "user_id", "project_id", "start_time", "message", "updated_at")
                .from("instance_actions").where("instance_uuid", .equal, SQLBind(instance))
            if let since = changesSince { query = query.where("updated_at", .greaterThanOrEqual, SQLBind(since)) }
            if let before = changesBefore {
                query = query.where { $0.where("updated_at", .is, SQLLiteral.null).orWhere("updated_at", .lessThanOrEqual, SQLBind(before)) }
            }
            if let marker {
                let id = try await sql.markerRowID(marker, in: "instance_actions", column: "request_id", scope: [("instance_uuid", instance)])
                query = query.where("id", .lessThan, SQLBind(id))
            }
            return try await query.orderBy("id", .descending).limit(limit).all().map(Self.action)
        }
    }

    /// The action `requestID` started on `instance`, with its events.
    func get(instance: String, requestID: String) async throws -> InstanceActionRecord? {
        try await database.read { sql in
            guard
                var action = try await sql.select()
                    .columns("id", "instance_uuid", "action", "request_id", "user_id", "project_id", "start_time", "message", "updated_at")
                    .from("instance_actions").where("instance_uuid", .equal, SQLBind(instance)).where("request_id", .equal, SQLBind(requestID))
                    .orderBy("id", .descending).first().map(Self.action)
            else { return nil }
            action.events = try await sql.select().columns("event", "start_time", "finish_time", "result", "traceback", "host")
                .from("instance_actions_events").where("action_id", .equal, SQLBind(action.id)).orderBy("id").all().map { row in
                    InstanceActionRecord.Event(
                        name: try row.decode(column: "event"), start: try row.decode(column: "start_time", as: Date?.self),
                        finish: try row.decode(column: "finish_time", as: Date?.self), result: try row.decode(column: "result", as: String?.self),
                        traceback: try row.decode(column: "traceback", as: String?.self), host: try row.decode(column: "host", as: String?.self))
                }
            return action
        }
    }

    private static func action(_ row: any SQLRow) throws -> InstanceActionRecord {
        InstanceActionRecord(
            id: try row.decode(column: "id"), instance: try row.decode(column: "instance_uuid"), action: try row.decode(column: "action"),
            requestID: try row.decode(column: "request_id"), userID: try row.decode(column: "user_id", as: String?.self),
            projectID: try row.decode(column: "project_id", as: String?.self), start: try row.decode(column: "start_time", as: Date?.self),
            message: try row.decode(column: "message", as: String?.self), updated: try row.decode(column: "updated_at", as: Date?.self))
    }
}
