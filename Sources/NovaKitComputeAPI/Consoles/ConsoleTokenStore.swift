import Foundation
import NovaKitCore
import NovaKitHTTP
import NovaKitStorage
import SQLKit

/// A console connection a token grants: the server, its host, the console's port and type.
struct ConsoleConnection: Sendable, Equatable {
    var instance: String
    var host: String
    var port: Int
    var consoleType: String
    var internalAccessPath: String?
}

/// The SQL of `console_auth_tokens`: tokens are stored only as SHA-256 and expire (Nova's
/// `token_ttl`, 600 s).
struct ConsoleTokenStore: Sendable {
    let database: Database
    let clock: any NovaClock

    static let lifetime: TimeInterval = 600

    static let migration = SchemaMigration("consoles/001_create_console_auth_tokens") { sql, _ in
        let timestamp = SQLDataType.custom(SQLRaw(sql.dialect.name == "postgresql" ? "TIMESTAMPTZ" : "DATETIME"))
        try await sql.createSoftDeletableTable("console_auth_tokens") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("token_hash", type: .text, .notNull)
                .column("instance_uuid", type: .text, .notNull).column("host", type: .text, .notNull).column("port", type: .int, .notNull)
                .column("console_type", type: .text, .notNull).column("internal_access_path", type: .text)
                .column("expires_at", type: timestamp, .notNull)
        }
        try await sql.create(index: "console_auth_tokens_hash_idx").on("console_auth_tokens").column("token_hash").run()
    }

    /// A new token for `connection`.
    func issue(_ connection: ConsoleConnection) async throws -> String {
        let token = SecretToken.random(bytes: 32)
        let now = clock.now()
        try await database.withConnection { sql in
            try await sql.insert(into: "console_auth_tokens")
                .columns("token_hash", "instance_uuid", "host", "port", "console_type", "internal_access_path", "expires_at", "created_at", "deleted")
                .values(
                    SQLBind(SecretToken.hash(token)), SQLBind(connection.instance), SQLBind(connection.host), SQLBind(connection.port),
                    SQLBind(connection.consoleType), SQLBind(connection.internalAccessPath), SQLBind(now.addingTimeInterval(Self.lifetime)),
                    SQLBind(now), SQLBind(0)
                ).run()
        }
        return token
    }

    /// The unexpired connection `token` grants, or `nil`.
    func connection(for token: String) async throws -> ConsoleConnection? {
        let now = clock.now()
        let row = try await database.read { sql in
            try await sql.select().columns("instance_uuid", "host", "port", "console_type", "internal_access_path", "expires_at")
                .from("console_auth_tokens").where("token_hash", .equal, SQLBind(SecretToken.hash(token))).readDeleted(.no).first()
        }
        guard let row, try row.decode(column: "expires_at", as: Date.self) > now else { return nil }
        return ConsoleConnection(
            instance: try row.decode(column: "instance_uuid"), host: try row.decode(column: "host"), port: try row.decode(column: "port"),
            consoleType: try row.decode(column: "console_type"),
            internalAccessPath: try row.decode(column: "internal_access_path", as: String?.self))
    }
}
