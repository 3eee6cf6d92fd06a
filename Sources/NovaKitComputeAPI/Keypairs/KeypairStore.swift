import Foundation
import NovaKitAPI
public import NovaKitCore
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// A keypair as stored; owned by a user, not a project.
public struct Keypair: VersionedObject {
    public static let objectName = "KeyPair"
    public static let objectVersion = "1.4"

    var id = 0
    var name: String
    var userID: String
    var fingerprint: String
    var publicKey: String
    var type: String
    var createdAt: Date?
}

/// `Keypair <name> not found for user <user>` (404)
struct KeypairNotFound: FaultConvertible {
    let name: String
    let user: String
    var fault: Fault { .notFound("Keypair \(name) not found for user \(user)") }
}

/// The SQL of `key_pairs`. A user's keypairs are read through the database's shared keypair cache; creating
/// or deleting one invalidates it.
struct KeypairStore: Sendable {
    let database: Database
    let clock: any NovaClock
    private let byUser: ReadThroughCache<String, [Keypair]>

    init(database: Database, clock: any NovaClock) {
        self.database = database
        self.clock = clock
        byUser = database.cache("key_pairs", of: ReadThroughCache<String, [Keypair]>.self)
    }

    var quotas: QuotaStore { QuotaStore(database: database, clock: clock) }

    static let migration = SchemaMigration("os-keypairs/001_create_key_pairs") { sql, _ in
        try await sql.createSoftDeletableTable("key_pairs") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("name", type: .text, .notNull)
                .column("user_id", type: .text, .notNull).column("fingerprint", type: .text, .notNull)
                .column("public_key", type: .text, .notNull).column("type", type: .text, .notNull).unique(["user_id", "name", "deleted"])
        }
    }

    private static func keypair(_ row: any SQLRow) throws -> Keypair {
        Keypair(
            id: try row.decode(column: "id"), name: try row.decode(column: "name"), userID: try row.decode(column: "user_id"),
            fingerprint: try row.decode(column: "fingerprint"), publicKey: try row.decode(column: "public_key"), type: try row.decode(column: "type"),
            createdAt: try row.decode(column: "created_at", as: Date?.self))
    }

    private static let columns = ["id", "name", "user_id", "fingerprint", "public_key", "type", "created_at"].map { SQLColumn($0) }

    /// `user`'s live keypairs, ordered by name.
    func all(user: String) async throws -> [Keypair] {
        try await byUser.value(for: user) {
            try await database.read { sql in
                try await sql.select().columns(Self.columns).from("key_pairs").where("user_id", .equal, SQLBind(user)).readDeleted(.no)
                    .orderBy("name").all().map(Self.keypair)
            }
        }
    }

    func get(_ name: String, user: String) async throws -> Keypair {
        guard let pair = try await all(user: user).first(where: { $0.name == name }) else { throw KeypairNotFound(name: name, user: user) }
        return pair
    }

    /// Inserts the pair under the `key_pairs` quota (409 for a duplicate name).
    func create(_ pair: Keypair, project: String) async throws -> Keypair {
        let now = clock.now()
        try await byUser.invalidating {
            try await quotas.withQuota("key_pairs", project: project, used: { sql in try await Self.count(user: pair.userID, sql) }) { sql in
                let existing = try await sql.select().column("id").from("key_pairs").where("user_id", .equal, SQLBind(pair.userID))
                    .where("name", .equal, SQLBind(pair.name)).readDeleted(.no).first()
                guard existing == nil else { throw Fault.conflict("Key pair '\(pair.name)' already exists.") }
                try await sql.insert(into: "key_pairs").columns("name", "user_id", "fingerprint", "public_key", "type", "created_at", "deleted")
                    .values(
                        SQLBind(pair.name), SQLBind(pair.userID), SQLBind(pair.fingerprint), SQLBind(pair.publicKey), SQLBind(pair.type),
                        SQLBind(now), SQLBind(0)
                    ).run()
            }
        }
        return try await get(pair.name, user: pair.userID)
    }

    func delete(_ name: String, user: String) async throws {
        let now = clock.now()
        let removed = try await byUser.invalidating {
            try await database.withConnection { sql in
                try await sql.softDelete(from: "key_pairs", matching: [("user_id", user), ("name", name)], at: now)
            }
        }
        guard removed > 0 else { throw KeypairNotFound(name: name, user: user) }
    }

    /// Live keypairs of `user`, for quota usage.
    static func count(user: String, _ sql: any SQLDatabase) async throws -> Int {
        try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("key_pairs")
            .where("user_id", .equal, SQLBind(user)).readDeleted(.no).first()?.decode(column: "n", as: Int.self) ?? 0
    }
}
