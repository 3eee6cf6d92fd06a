import Foundation
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// A resize or cold migration as recorded in `migrations`.
struct MigrationRecord: Sendable {
    var id: Int
    var uuid: String
    var instance: String
    var sourceCompute: String?
    var destCompute: String?
    var oldFlavorID: String?
    var newFlavorID: String?
    var type: String
    var status: String
    var userID: String?
    var projectID: String?
    var createdAt: Date
    var updatedAt: Date?
}

/// The SQL of `migrations`: the API writes the record when it accepts a resize, the lifecycle journal moves it.
struct MigrationStore: Sendable {
    let database: Database
    let clock: any NovaClock

    static let columns = [
        "id", "uuid", "instance_uuid", "source_compute", "dest_compute", "old_instance_type_id", "new_instance_type_id", "migration_type",
        "status", "user_id", "project_id", "created_at", "updated_at",
    ]

    func create(_ migration: MigrationRecord) async throws {
        let now = clock.now()
        try await database.withConnection { sql in
            let values: [(String, any Encodable & Sendable)] = [
                ("uuid", migration.uuid), ("instance_uuid", migration.instance), ("source_compute", migration.sourceCompute),
                ("source_node", migration.sourceCompute), ("dest_compute", migration.destCompute), ("dest_node", migration.destCompute),
                ("dest_host", "127.0.0.1"), ("old_instance_type_id", migration.oldFlavorID), ("new_instance_type_id", migration.newFlavorID),
                ("migration_type", migration.type), ("status", migration.status), ("user_id", migration.userID),
                ("project_id", migration.projectID), ("hidden", false), ("created_at", now), ("updated_at", now), ("deleted", 0),
            ]
            try await sql.insert(into: "migrations").columns(values.map(\.0)).values(values.map { SQLBind($0.1) as any SQLExpression }).run()
        }
    }

    /// The instance's newest migration record, if any.
    func latest(instance: String) async throws -> MigrationRecord? {
        try await database.read { sql in
            try await sql.select().columns(Self.columns.map { SQLColumn($0) }).from("migrations").where("instance_uuid", .equal, SQLBind(instance))
                .readDeleted(.no).orderBy("id", .descending).first().map(Self.migration)
        }
    }

    /// Every migration, oldest first; `instance` narrows to one instance.
    func all(instance: String? = nil) async throws -> [MigrationRecord] {
        try await database.read { sql in
            var query = sql.select().columns(Self.columns.map { SQLColumn($0) }).from("migrations").readDeleted(.no)
            if let instance { query = query.where("instance_uuid", .equal, SQLBind(instance)) }
            return try await query.orderBy("id").all().map(Self.migration)
        }
    }

    private static func migration(_ row: any SQLRow) throws -> MigrationRecord {
        MigrationRecord(
            id: try row.decode(column: "id"), uuid: try row.decode(column: "uuid"), instance: try row.decode(column: "instance_uuid"),
            sourceCompute: try row.decode(column: "source_compute", as: String?.self),
            destCompute: try row.decode(column: "dest_compute", as: String?.self),
            oldFlavorID: try row.decode(column: "old_instance_type_id", as: String?.self),
            newFlavorID: try row.decode(column: "new_instance_type_id", as: String?.self), type: try row.decode(column: "migration_type"),
            status: try row.decode(column: "status"), userID: try row.decode(column: "user_id", as: String?.self),
            projectID: try row.decode(column: "project_id", as: String?.self), createdAt: try row.decode(column: "created_at"),
            updatedAt: try row.decode(column: "updated_at", as: Date?.self))
    }
}
