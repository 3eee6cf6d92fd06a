import AsyncKit
public import Logging
import NIOCore
import NIOPosix
import PostgresKit
public import SQLKit
import SQLiteKit

/// The database engines NovaKit runs on.
public enum DatabaseKind: String, Sendable {
    case sqlite, postgres
}

/// One handle over SQLite or PostgreSQL: connections, transactions and shutdown.
public final class Database: Sendable {
    private enum Backend: Sendable {
        /// One connection, serialized: SQLite allows a single writer anyway.
        case sqlite(SQLiteConnection, AsyncLock)
        case postgres(PostgresPool)
    }

    /// async-kit's pool guards its state with a lock but predates `Sendable`; every entry point
    /// (`withConnection`, `shutdownAsync`) is documented as thread-safe, so sharing it is safe.
    private final class PostgresPool: @unchecked Sendable {
        let pool: EventLoopGroupConnectionPool<PostgresConnectionSource>
        init(_ pool: EventLoopGroupConnectionPool<PostgresConnectionSource>) { self.pool = pool }
    }

    public let kind: DatabaseKind
    private let backend: Backend
    private let logger: Logger
    private let observer: QueryObserver?

    private init(kind: DatabaseKind, backend: Backend, logger: Logger, observer: QueryObserver?) {
        self.kind = kind
        self.backend = backend
        self.logger = logger
        self.observer = observer
    }

    /// Opens the database at `url`; `observer`, when given, is told the SQL of every statement run through it.
    public static func open(_ url: DatabaseURL, logger: Logger, observer: QueryObserver? = nil) async throws -> Database {
        switch url {
        case .sqliteFile, .sqliteMemory:
            let storage: SQLiteConnection.Storage
            if case .sqliteFile(let path) = url { storage = .file(path: path) } else { storage = .memory }
            let connection = try await SQLiteConnection.open(storage: storage, logger: logger)
            let database = Database(kind: .sqlite, backend: .sqlite(connection, AsyncLock()), logger: logger, observer: observer)
            try await database.withConnection { sql in
                try await sql.raw("PRAGMA foreign_keys = ON").run()
                try await sql.raw("PRAGMA busy_timeout = 5000").run()
                if case .sqliteFile = url { try await sql.raw("PRAGMA journal_mode = WAL").run() }
            }
            return database
        case .postgres(let text):
            let configuration = try SQLPostgresConfiguration(url: text)
            let pool = EventLoopGroupConnectionPool(
                source: PostgresConnectionSource(sqlConfiguration: configuration),
                maxConnectionsPerEventLoop: 4,
                pruneInterval: nil,
                logger: logger,
                on: MultiThreadedEventLoopGroup.singleton
            )
            let database = Database(kind: .postgres, backend: .postgres(PostgresPool(pool)), logger: logger, observer: observer)
            do {
                try await database.withConnection { sql in try await sql.raw("SELECT 1").run() }
            } catch {
                try? await pool.shutdownAsync()
                throw error
            }
            return database
        }
    }

    /// Runs `body` with a connection of its own.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite(let connection, let lock):
            let sql = observed(connection.sql(queryLogLevel: .trace))
            return try await lock.withLock { try await body(sql) }
        case .postgres(let box):
            return try await box.pool.withConnection(logger: logger) { [observer] connection in
                let promise = connection.eventLoop.makePromise(of: T.self)
                let sql = connection.sql(queryLogLevel: .trace)
                promise.completeWithTask { try await body(observer.map { ObservedSQLDatabase(base: sql, observer: $0) } ?? sql) }
                return promise.futureResult
            }.get()
        }
    }

    private func observed(_ sql: any SQLDatabase) -> any SQLDatabase {
        observer.map { ObservedSQLDatabase(base: sql, observer: $0) } ?? sql
    }

    /// Runs `body` in a transaction: committed if it returns, rolled back if it throws.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withConnection { sql in
            try await sql.raw("BEGIN").run()
            do {
                let result = try await body(sql)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Closes connections; the handle is unusable afterwards.
    public func close() async {
        switch backend {
        case .sqlite(let connection, _): try? await connection.close()
        case .postgres(let box): try? await box.pool.shutdownAsync()
        }
    }
}
