public import NovaKitStorage
import SQLKit

/// Nova's compute tables: instances and what hangs off them. Every table has the standard columns
/// and soft delete; `instances.id` feeds `deleted`, `uuid` is the public id.
public enum ComputeSchema {
    public static let migrations: [SchemaMigration] = [
        SchemaMigration("compute/001_create_instances") { sql, _ in
            let timestamp = SQLDataType.custom(SQLRaw(sql.dialect.name == "postgresql" ? "TIMESTAMPTZ" : "DATETIME"))
            let flag = SQLDataType.custom(SQLRaw("BOOLEAN"))
            try await sql.createSoftDeletableTable("instances") {
                $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("uuid", type: .text, .notNull)
                    .column("display_name", type: .text, .notNull).column("display_description", type: .text).column("hostname", type: .text)
                    .column("project_id", type: .text, .notNull).column("user_id", type: .text, .notNull).column("image_ref", type: .text)
                    .column("flavor", type: .text, .notNull).column("old_flavor", type: .text).column("new_flavor", type: .text)
                    .column("vm_state", type: .text, .notNull).column("task_state", type: .text).column("power_state", type: .int, .notNull)
                    .column("previous_vm_state", type: .text, .notNull).column("locked", type: flag, .notNull).column("locked_by", type: .text)
                    .column("locked_reason", type: .text).column("host", type: .text).column("node", type: .text).column("key_name", type: .text)
                    .column("key_data", type: .text).column("user_data", type: .text).column("availability_zone", type: .text)
                    .column("reservation_id", type: .text).column("launch_index", type: .int).column("access_ip_v4", type: .text)
                    .column("access_ip_v6", type: .text).column("config_drive", type: .text).column("progress", type: .int).column(
                        "network_info", type: .text
                    )
                    .column("launched_at", type: timestamp).column("terminated_at", type: timestamp).unique(["uuid", "deleted"])
            }
            try await sql.createSoftDeletableTable("instance_metadata") {
                $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("instance_uuid", type: .text, .notNull)
                    .column("key", type: .text, .notNull).column("value", type: .text, .notNull)
            }
            try await sql.createSoftDeletableTable("instance_tags") {
                $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("instance_uuid", type: .text, .notNull)
                    .column("tag", type: .text, .notNull)
            }
            try await sql.createSoftDeletableTable("instance_faults") {
                $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("instance_uuid", type: .text, .notNull)
                    .column("code", type: .int, .notNull).column("message", type: .text, .notNull).column("details", type: .text)
            }
            try await sql.createSoftDeletableTable("migrations") {
                $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("uuid", type: .text, .notNull)
                    .column("instance_uuid", type: .text, .notNull).column("source_compute", type: .text).column("source_node", type: .text)
                    .column("dest_compute", type: .text).column("dest_node", type: .text).column("dest_host", type: .text)
                    .column("old_instance_type_id", type: .text).column("new_instance_type_id", type: .text)
                    .column("migration_type", type: .text, .notNull).column("status", type: .text, .notNull)
                    .column("user_id", type: .text).column("project_id", type: .text).column("hidden", type: flag, .notNull)
            }
            try await sql.createSoftDeletableTable("instance_actions") {
                $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("instance_uuid", type: .text, .notNull)
                    .column("action", type: .text, .notNull).column("request_id", type: .text, .notNull).column("user_id", type: .text)
                    .column("project_id", type: .text).column("start_time", type: timestamp).column("finish_time", type: timestamp)
                    .column("message", type: .text)
            }
            try await sql.createSoftDeletableTable("instance_actions_events") {
                $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("action_id", type: .int, .notNull)
                    .column("event", type: .text, .notNull).column("start_time", type: timestamp).column("finish_time", type: timestamp)
                    .column("result", type: .text).column("traceback", type: .text).column("host", type: .text).column("details", type: .text)
            }
        },
        SchemaMigration("compute/002_indexes") { sql, _ in
            for (name, table, columns) in indexes {
                try await columns.reduce(sql.create(index: name).on(table)) { $0.column($1) }.run()
            }
        },
        FlavorResources.migration,
        SchemaMigration("compute/004_listing_indexes") { sql, _ in
            for (name, table, columns) in listingIndexes {
                try await columns.reduce(sql.create(index: name).on(table)) { $0.column($1) }.run()
            }
        },
        ResourceUsage.migration,
        ComputeServiceStore.migration,
        SchemaMigration("compute/007_instance_security_groups") { sql, _ in
            // The names of the security groups a server's ports are in (a JSON list); servers with an address
            // so far were all in `default`.
            try await sql.alter(table: "instances").column("security_groups", type: .text).run()
            try await sql.update("instances").set("security_groups", to: SQLBind(#"["default"]"#))
                .where("network_info", .isNot, SQLLiteral.null).where("network_info", .notEqual, SQLBind("[]"))
                .where("network_info", .notEqual, SQLBind("")).run()
        },
        SchemaMigration("compute/008_auto_disk_config") { sql, _ in
            // `OS-DCF:diskConfig` AUTO (true) or MANUAL (false or, for older rows, null).
            try await sql.alter(table: "instances").column("auto_disk_config", type: .custom(SQLRaw("BOOLEAN"))).run()
        },
        PeriodicJobClaims.migration,
        SQLWorkLeases.migration,
        SQLWorkLeases.handedMigration,
    ]

    /// Every project's servers in listing order (admin `all_tenants`), and rows changed since a time.
    static let listingIndexes: [(name: String, table: String, columns: [String])] = [
        ("instances_deleted_created_idx", "instances", ["deleted", "created_at", "id"]),
        ("instances_project_updated_idx", "instances", ["project_id", "updated_at"]),
    ]

    /// The indexes the API and the engine query by: instances by project (listing order), host and state;
    /// every child table by its instance; instance actions by request id, their events by action.
    static let indexes: [(name: String, table: String, columns: [String])] = [
        ("instances_project_created_idx", "instances", ["project_id", "deleted", "created_at", "id"]),
        ("instances_host_idx", "instances", ["host", "deleted"]),
        ("instances_task_state_idx", "instances", ["task_state", "deleted"]),
        ("instances_vm_state_idx", "instances", ["vm_state", "deleted"]),
        ("instance_metadata_instance_idx", "instance_metadata", ["instance_uuid", "deleted"]),
        ("instance_tags_instance_idx", "instance_tags", ["instance_uuid", "deleted"]),
        ("instance_faults_instance_idx", "instance_faults", ["instance_uuid", "deleted"]),
        ("migrations_instance_idx", "migrations", ["instance_uuid", "deleted"]),
        ("instance_actions_instance_idx", "instance_actions", ["instance_uuid", "deleted"]),
        ("instance_actions_request_idx", "instance_actions", ["request_id"]),
        ("instance_actions_events_action_idx", "instance_actions_events", ["action_id", "deleted"]),
    ]
}
