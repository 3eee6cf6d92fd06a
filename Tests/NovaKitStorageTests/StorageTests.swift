import Foundation
import Logging
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Testing

/// The storage contract, run on every engine: in-memory SQLite always, PostgreSQL when
/// `NOVAKIT_TEST_POSTGRES_URL` names a server (each run uses its own fresh table names).
@Suite("Storage conformance")
struct StorageTests {
    static var engines: [DatabaseURL] { TestDatabases.engines }

    static func withDatabase(_ url: DatabaseURL, _ body: (Database, String) async throws -> Void) async throws {
        try await TestDatabases.with(url, body)
    }

    static func migrations(_ table: String, count: Int = 2) -> [SchemaMigration] {
        (1...count).map { step in
            SchemaMigration("test/\(table)/\(step)") { sql, _ in
                if step == 1 {
                    try await sql.createSoftDeletableTable(table) {
                        $0.column("id", type: .int, .primaryKey(autoIncrement: false)).column("name", type: .text)
                    }
                } else {
                    try await sql.raw("CREATE INDEX \(unsafeRaw: table)_name_\(unsafeRaw: String(step)) ON \(unsafeRaw: table) (name)").run()
                }
            }
        }
    }

    @Test("sync applies in order, is idempotent, goes to a given version and refuses to go down", arguments: engines)
    func migrator(url: DatabaseURL) async throws {
        try await Self.withDatabase(url) { (database, suffix) async throws in
            let migrator = SchemaMigrator(database: database, migrations: Self.migrations("mig_\(suffix)", count: 3))
            #expect(try await migrator.sync(to: 1) == (0, 1))
            #expect(try await migrator.currentVersion() == 1)
            await #expect(throws: DatabaseError.outOfDate(current: 1, newest: 3)) { try await migrator.requireCurrent() }
            #expect(try await migrator.sync() == (1, 3))
            #expect(try await migrator.sync() == (3, 3))
            await #expect(throws: DatabaseError.downgradeRefused(current: 3, requested: 2)) { try await migrator.sync(to: 2) }
            await #expect(throws: DatabaseError.unknownVersion(requested: 9, newest: 3)) { try await migrator.sync(to: 9) }
            let renamed = SchemaMigrator(database: database, migrations: Self.migrations("other_\(suffix)", count: 3))
            await #expect(throws: DatabaseError.self) { try await renamed.currentVersion() }
        }
    }

    @Test("a failing migration rolls back and records nothing", arguments: engines)
    func rollback(url: DatabaseURL) async throws {
        try await Self.withDatabase(url) { (database, suffix) async throws in
            struct Boom: Error {}
            let table = "rb_\(suffix)"
            let failing = SchemaMigration("test/\(table)/boom") { sql, _ in
                try await sql.createSoftDeletableTable(table) { $0.column("id", type: .int, .primaryKey(autoIncrement: false)) }
                throw Boom()
            }
            let migrator = SchemaMigrator(database: database, migrations: [failing])
            await #expect(throws: Boom.self) { try await migrator.sync() }
            #expect(try await migrator.currentVersion() == 0)
            if database.kind == .postgres {
                let exists = try await database.withConnection { sql in
                    try await sql.raw("SELECT to_regclass(\(bind: table)) IS NOT NULL AS present").first()?.decode(column: "present", as: Bool.self)
                }
                #expect(exists == false)
            }
        }
    }

    @Test("a transaction whose task is cancelled midway is rolled back, and the connection takes the next one", arguments: engines)
    func cancelledTransaction(url: DatabaseURL) async throws {
        try await Self.withDatabase(url) { (database, suffix) async throws in
            let table = "cancel_\(suffix)"
            try await SchemaMigrator(database: database, migrations: Self.migrations(table, count: 1)).sync()
            // A superseded piece of work is cancelled while it writes (a delete cutting a build short): the task
            // cancels itself between two statements, so the second fails as a cancelled task's statement does.
            let cancelled = Task {
                try await database.transaction { sql in
                    try await sql.raw("INSERT INTO \(unsafeRaw: table) (id, name, deleted) VALUES (1, 'lost', 0)").run()
                    withUnsafeCurrentTask { $0?.cancel() }
                    try await sql.raw("INSERT INTO \(unsafeRaw: table) (id, name, deleted) VALUES (2, 'lost', 0)").run()
                }
            }
            _ = await cancelled.result
            try await database.transaction { sql in
                try await sql.raw("INSERT INTO \(unsafeRaw: table) (id, name, deleted) VALUES (3, 'kept', 0)").run()
            }
            let names = try await database.read { sql in
                try await sql.raw("SELECT name FROM \(unsafeRaw: table) ORDER BY id").all().map { try $0.decode(column: "name", as: String.self) }
            }
            // SQLite stops at the cancelled statement and rolls back; PostgreSQL's statements run in a task of their
            // own, which the cancellation does not reach, so the transaction commits whole. Never half of it.
            #expect(names == (database.kind == .sqlite ? ["kept"] : ["lost", "lost", "kept"]))
        }
    }

    @Test("soft delete sets deleted = id and deleted_at; read_deleted no/yes/only", arguments: engines)
    func softDelete(url: DatabaseURL) async throws {
        try await Self.withDatabase(url) { (database, suffix) async throws in
            let table = "sd_\(suffix)"
            try await SchemaMigrator(database: database, migrations: Self.migrations(table, count: 1)).sync()
            let now = Date(timeIntervalSince1970: 1_800_000_000.123456)
            try await database.withConnection { sql in
                for id in [3, 4] {
                    try await sql.insert(into: table).columns("id", "name", "deleted").values(SQLBind(id), SQLBind("n\(id)"), SQLBind(0)).run()
                }
                #expect(try await sql.softDelete(from: table, id: 3, at: now))
                #expect(try await !sql.softDelete(from: table, id: 3, at: now))
                #expect(try await !sql.softDelete(from: table, id: 99, at: now))
            }
            func ids(_ mode: ReadDeleted) async throws -> [Int] {
                try await database.withConnection { sql in
                    try await sql.select().column("id").from(table).readDeleted(mode).orderBy("id").all().map {
                        try $0.decode(column: "id", as: Int.self)
                    }
                }
            }
            #expect(try await ids(.no) == [4])
            #expect(try await ids(.yes) == [3, 4])
            #expect(try await ids(.only) == [3])
            let row = try await database.withConnection { sql in
                try await sql.select().columns("deleted", "deleted_at").from(table).where("id", .equal, SQLBind(3)).first()
            }
            #expect(try row?.decode(column: "deleted", as: Int.self) == 3)
            let deletedAt = try row?.decode(column: "deleted_at", as: Date.self)
            #expect(abs((deletedAt?.timeIntervalSince1970 ?? 0) - now.timeIntervalSince1970) < 0.001)
        }
    }

    @Test("database URLs parse; passwords stay out of descriptions")
    func urls() throws {
        #expect(try DatabaseURL(parsing: "sqlite:///var/lib/n.sqlite") == .sqliteFile(path: "/var/lib/n.sqlite"))
        #expect(try DatabaseURL(parsing: "sqlite://n.sqlite") == .sqliteFile(path: "n.sqlite"))
        #expect(try DatabaseURL(parsing: "sqlite::memory:") == .sqliteMemory)
        #expect(try DatabaseURL(parsing: "postgres://u:secret@h:5432/d").description == "postgres://u:***@h:5432/d")
        #expect(throws: DatabaseError.self) { try DatabaseURL(parsing: "mysql://u@h/d") }
        #expect(throws: DatabaseError.self) { try DatabaseURL(parsing: "sqlite://") }
    }
}
