import Foundation
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// A resize or cold migration as recorded in `migrations`; the coding keys are its columns.
struct MigrationRecord: StoredRow {
    static let table = "migrations"
    static let columns = CodingKeys.allCases.map(\.rawValue)

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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, uuid, status
        case instance = "instance_uuid", sourceCompute = "source_compute", destCompute = "dest_compute"
        case oldFlavorID = "old_instance_type_id", newFlavorID = "new_instance_type_id", type = "migration_type", userID = "user_id"
        case projectID = "project_id", createdAt = "created_at", updatedAt = "updated_at"
    }
}

/// What an `os-migrations` list asks for; every field narrows it.
struct MigrationFilter: Sendable {
    var instance: String?
    var status: String?
    /// Migrations from or to this host.
    var host: String?
    var sourceCompute: String?
    var type: String?
    var userID: String?
    var projectID: String?
    var changesSince: Date?
    var changesBefore: Date?
}

/// The SQL of `migrations`: the API writes the record when it accepts a resize, the lifecycle journal moves it.
struct MigrationStore: Sendable {
    let database: Database
    let clock: any NovaClock

    /// Marks a live migration still under way `cancelled` (one conditional update); `false` when it had already ended.
    func cancel(_ id: Int) async throws -> Bool {
        let now = clock.now()
        return try await database.withConnection { sql in
            try await sql.update("migrations").set("status", to: SQLBind("cancelled")).set("updated_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(id)).where("status", .in, ["accepted", "running"]).readDeleted(.no).returning("id").all()
                .isEmpty == false
        }
    }

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
            try await MigrationRecord.select(on: sql).where("instance_uuid", .equal, SQLBind(instance)).orderBy("id", .descending)
                .first(MigrationRecord.self)
        }
    }

    /// Migrations matching `filter`, oldest or newest first; with `marker` (a migration's uuid; 400 when
    /// there is none such) only those after it; at most `limit`.
    func list(_ filter: MigrationFilter = MigrationFilter(), newestFirst: Bool = false, limit: Int = .max, marker: String? = nil)
        async throws -> [MigrationRecord]
    {
        try await database.read { sql in
            var query = MigrationRecord.select(on: sql)
            for (column, value) in [
                ("instance_uuid", filter.instance), ("status", filter.status), ("source_compute", filter.sourceCompute),
                ("migration_type", filter.type), ("user_id", filter.userID), ("project_id", filter.projectID),
            ] {
                if let value { query = query.where(SQLColumn(column), .equal, SQLBind(value)) }
            }
            if let host = filter.host {
                query = query.where { $0.where("source_compute", .equal, SQLBind(host)).orWhere("dest_compute", .equal, SQLBind(host)) }
            }
            let changed = SQLFunction("COALESCE", args: SQLColumn("updated_at"), SQLColumn("created_at"))
            if let since = filter.changesSince { query = query.where(changed, .greaterThanOrEqual, SQLBind(since)) }
            if let before = filter.changesBefore { query = query.where(changed, .lessThanOrEqual, SQLBind(before)) }
            if let marker {
                let id = try await sql.markerRowID(marker, in: "migrations", column: "uuid", readDeleted: .no)
                query = query.where("id", newestFirst ? .lessThan : .greaterThan, SQLBind(id))
            }
            return try await query.orderBy("id", newestFirst ? .descending : .ascending).limit(limit).all(MigrationRecord.self)
        }
    }
}
