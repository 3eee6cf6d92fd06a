import Foundation
import Logging
public import NovaKitStorage
import SQLKit

/// The engines storage tests run on: in-memory SQLite always, PostgreSQL when `NOVAKIT_TEST_POSTGRES_URL`
/// names a server (each test then gets a database of its own).
public enum TestDatabases {
    public static var engines: [DatabaseURL] {
        var engines: [DatabaseURL] = [.sqliteMemory]
        if let url = ProcessInfo.processInfo.environment["NOVAKIT_TEST_POSTGRES_URL"] { engines.append(.postgres(url: url)) }
        return engines
    }

    /// Opens `url`; on PostgreSQL a fresh database is created first, so parallel tests never share a version table.
    public static func with(_ url: DatabaseURL, _ body: (Database, String) async throws -> Void) async throws {
        try await with(url, handles: 1, body)
    }

    /// As `with(_:_:)`, for a test that opens `handles` handles on the database in all: on PostgreSQL it waits
    /// for that many handles' connections (see `PostgresConnectionBudget`). An error that escapes on PostgreSQL
    /// says what the server said (PostgresNIO's own description hides it).
    static func with(_ url: DatabaseURL, handles: Int, _ body: (Database, String) async throws -> Void) async throws {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        guard case .postgres(let base) = url else {
            let database = try await Database.open(url, logger: Logger(label: "test"))
            do { try await body(database, suffix) } catch {
                await database.close()
                throw error
            }
            await database.close()
            return
        }
        do {
            try await PostgresConnectionBudget.shared.withConnections(forHandles: handles) {
                try await create(String(suffix), on: url)
                let target = DatabaseURL.postgres(url: String(base[..<base.lastIndex(of: "/")!]) + "/nk_\(suffix)")
                let database = try await Database.open(target, logger: Logger(label: "test"))
                do { try await body(database, suffix) } catch {
                    await database.close()
                    await drop(suffix, on: url)
                    throw error
                }
                await database.close()
                await drop(suffix, on: url)
            }
        } catch let error as PostgresTestError {
            throw error
        } catch {
            throw PostgresTestError(error)
        }
    }

    private static func create(_ suffix: String, on url: DatabaseURL) async throws {
        let admin = try await Database.open(url, logger: Logger(label: "test"))
        do {
            try await admin.withConnection { sql in
                // A locale-aware default collation where ICU is there, as production clusters have, so a query
                // that relies on byte order without saying so fails here too.
                do {
                    try await sql.raw("CREATE DATABASE nk_\(unsafeRaw: suffix) TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'").run()
                } catch {
                    try await sql.raw("CREATE DATABASE nk_\(unsafeRaw: suffix)").run()
                }
            }
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
    }

    /// Drops a test's PostgreSQL database once it is closed, so runs do not pile up databases; best effort (a
    /// database left behind harms nothing but disk space).
    private static func drop(_ suffix: String, on url: DatabaseURL) async {
        guard case .postgres = url, let admin = try? await Database.open(url, logger: Logger(label: "test")) else { return }
        try? await admin.withConnection { sql in try await sql.raw("DROP DATABASE IF EXISTS nk_\(unsafeRaw: suffix) WITH (FORCE)").run() }
        await admin.close()
    }

    /// `count` handles on one fresh database, as `count` nodes of a cluster would hold: on PostgreSQL each has its
    /// own pool and change feed (on in-memory SQLite every handle would be a database of its own).
    public static func withNodes(_ url: DatabaseURL, count: Int, _ body: ([Database]) async throws -> Void) async throws {
        try await with(url, handles: count) { first, suffix in
            var nodes = [first]
            if case .postgres(let base) = url {
                let target = DatabaseURL.postgres(url: String(base[..<base.lastIndex(of: "/")!]) + "/nk_\(suffix)")
                for _ in 1..<count { nodes.append(try await Database.open(target, logger: Logger(label: "test"))) }
            }
            do { try await body(nodes) } catch {
                for node in nodes.dropFirst() { await node.close() }
                throw error
            }
            for node in nodes.dropFirst() { await node.close() }
        }
    }
}

/// An error that escaped a PostgreSQL test, described with everything PostgresNIO knows (the server's message
/// and code), which its plain description leaves out.
struct PostgresTestError: Error, CustomStringConvertible {
    let underlying: any Error
    let description: String

    init(_ underlying: any Error) {
        self.underlying = underlying
        self.description = String(reflecting: underlying)
    }
}
