public import NovaKitStorage
import SQLKit

/// The identity tables: the standard columns and soft delete, an integer `row_id` that feeds
/// `deleted`, and the public text `id` Keystone clients see.
public enum IdentitySchema {
    public static let migrations: [SchemaMigration] = [
        SchemaMigration("identity/001_create_identity_tables") { sql, _ in
            func table(_ name: String, unique: [String] = [], _ columns: (SQLCreateTableBuilder) -> SQLCreateTableBuilder) async throws {
                try await sql.createSoftDeletableTable(name) {
                    let builder = columns(
                        $0.column("row_id", type: .int, .primaryKey(autoIncrement: true))
                            .column("id", type: .text, .notNull))
                    let keyed = builder.unique(["id", "deleted"])
                    return unique.isEmpty ? keyed : keyed.unique(unique + ["deleted"])
                }
            }
            let flag = SQLDataType.custom(SQLRaw("BOOLEAN"))
            try await table(DomainRecord.table, unique: ["name"]) {
                $0.column("name", type: .text, .notNull).column("description", type: .text, .notNull).column("enabled", type: flag, .notNull)
            }
            try await table(ProjectRecord.table, unique: ["domain_id", "name"]) {
                $0.column("name", type: .text, .notNull).column("domain_id", type: .text, .notNull)
                    .column("description", type: .text, .notNull).column("enabled", type: flag, .notNull)
            }
            try await table(UserRecord.table, unique: ["domain_id", "name"]) {
                $0.column("name", type: .text, .notNull).column("domain_id", type: .text, .notNull).column("password_hash", type: .text)
                    .column("enabled", type: flag, .notNull).column("default_project_id", type: .text).column("email", type: .text)
            }
            try await table(RoleRecord.table, unique: ["name"]) { $0.column("name", type: .text, .notNull) }
            try await table(AssignmentRecord.table, unique: ["user_id", "project_id", "role_id"]) {
                $0.column("user_id", type: .text, .notNull).column("project_id", type: .text, .notNull).column("role_id", type: .text, .notNull)
            }
            try await table(ServiceRecord.table) {
                $0.column("type", type: .text, .notNull).column("name", type: .text, .notNull)
                    .column("description", type: .text, .notNull).column("enabled", type: flag, .notNull)
            }
            try await table(EndpointRecord.table) {
                $0.column("service_id", type: .text, .notNull).column("interface", type: .text, .notNull)
                    .column("region", type: .text, .notNull).column("url", type: .text, .notNull).column("enabled", type: flag, .notNull)
            }
            let timestamp = SQLDataType.custom(SQLRaw(sql.dialect.name == "postgresql" ? "TIMESTAMPTZ" : "DATETIME"))
            try await table(TokenRecord.table) {
                $0.column("user_id", type: .text, .notNull).column("project_id", type: .text).column("methods", type: .text, .notNull)
                    .column("issued_at", type: timestamp, .notNull).column("expires_at", type: timestamp, .notNull)
                    .column("audit_id", type: .text, .notNull)
            }
        },
        PasswordLockout.migration,
        // Keystone keeps a description on users too.
        SchemaMigration("identity/003_user_descriptions") { sql, _ in
            try await sql.alter(table: UserRecord.table).column("description", type: .text).run()
        },
        // Regions of their own (they were only the names endpoints carried); each region an endpoint names
        // becomes one.
        SchemaMigration("identity/004_regions") { sql, _ in
            try await sql.createSoftDeletableTable(RegionRecord.table) {
                $0.column("row_id", type: .int, .primaryKey(autoIncrement: true)).column("id", type: .text, .notNull)
                    .column("description", type: .text, .notNull).column("parent_region_id", type: .text).unique(["id", "deleted"])
            }
            try await sql.raw(
                """
                INSERT INTO \(ident: RegionRecord.table) (id, description, created_at, deleted)
                SELECT DISTINCT region, '', CURRENT_TIMESTAMP, 0 FROM \(ident: EndpointRecord.table) WHERE deleted = 0
                """
            ).run()
        },
        // System scope: roles held on the whole deployment, and tokens scoped to it.
        SchemaMigration("identity/005_system_scope") { sql, _ in
            try await sql.createSoftDeletableTable(SystemAssignmentRecord.table) {
                $0.column("row_id", type: .int, .primaryKey(autoIncrement: true)).column("id", type: .text, .notNull)
                    .column("user_id", type: .text, .notNull).column("role_id", type: .text, .notNull)
                    .unique(["id", "deleted"]).unique(["user_id", "role_id", "deleted"])
            }
            try await sql.alter(table: TokenRecord.table).column("system", type: .text).run()
        },
        SchemaMigration("identity/006_application_credentials") { sql, _ in
            let timestamp = SQLDataType.custom(SQLRaw(sql.dialect.name == "postgresql" ? "TIMESTAMPTZ" : "DATETIME"))
            try await sql.createSoftDeletableTable(ApplicationCredentialRecord.table) {
                $0.column("row_id", type: .int, .primaryKey(autoIncrement: true)).column("id", type: .text, .notNull)
                    .column("name", type: .text, .notNull).column("description", type: .text, .notNull)
                    .column("user_id", type: .text, .notNull).column("project_id", type: .text, .notNull)
                    .column("secret_hash", type: .text, .notNull).column("expires_at", type: timestamp)
                    .column("unrestricted", type: .custom(SQLRaw("BOOLEAN")), .notNull).column("role_ids", type: .text, .notNull)
                    .column("access_rules", type: .text).unique(["id", "deleted"]).unique(["user_id", "name", "deleted"])
            }
            try await sql.alter(table: TokenRecord.table).column("application_credential_id", type: .text).run()
        },
        // Groups, their members, and the roles they hold on projects.
        SchemaMigration("identity/007_groups") { sql, _ in
            func table(_ name: String, unique: [String], _ columns: (SQLCreateTableBuilder) -> SQLCreateTableBuilder) async throws {
                try await sql.createSoftDeletableTable(name) {
                    columns($0.column("row_id", type: .int, .primaryKey(autoIncrement: true)).column("id", type: .text, .notNull))
                        .unique(["id", "deleted"]).unique(unique + ["deleted"])
                }
            }
            try await table(GroupRecord.table, unique: ["domain_id", "name"]) {
                $0.column("name", type: .text, .notNull).column("domain_id", type: .text, .notNull).column("description", type: .text, .notNull)
            }
            try await table(GroupMembershipRecord.table, unique: ["group_id", "user_id"]) {
                $0.column("group_id", type: .text, .notNull).column("user_id", type: .text, .notNull)
            }
            try await table(GroupAssignmentRecord.table, unique: ["group_id", "project_id", "role_id"]) {
                $0.column("group_id", type: .text, .notNull).column("project_id", type: .text, .notNull).column("role_id", type: .text, .notNull)
            }
        },
        // Unified limits: registered (default) limits per service, region and resource, and projects' own.
        SchemaMigration("identity/008_limits") { sql, _ in
            func table(_ name: String, unique: [String], _ columns: (SQLCreateTableBuilder) -> SQLCreateTableBuilder) async throws {
                try await sql.createSoftDeletableTable(name) {
                    columns(
                        $0.column("row_id", type: .int, .primaryKey(autoIncrement: true)).column("id", type: .text, .notNull)
                            .column("service_id", type: .text, .notNull).column("region_id", type: .text, .notNull)
                            .column("resource_name", type: .text, .notNull).column("description", type: .text, .notNull)
                    ).unique(["id", "deleted"]).unique(unique + ["service_id", "region_id", "resource_name", "deleted"])
                }
            }
            try await table(RegisteredLimitRecord.table, unique: []) { $0.column("default_limit", type: .bigint, .notNull) }
            try await table(LimitRecord.table, unique: ["project_id"]) {
                $0.column("project_id", type: .text, .notNull).column("resource_limit", type: .bigint, .notNull)
            }
        },
        // Keystone keeps a description on roles too.
        SchemaMigration("identity/009_role_descriptions") { sql, _ in
            try await sql.alter(table: RoleRecord.table).column("description", type: .text).run()
        },
    ]
}
