import AsyncKit
public import Logging
import Metrics
import NIOCore
import NIOPosix
import PostgresKit
public import SQLKit
import SQLiteKit
import Synchronization
import Tracing

/// The database engines NovaKit runs on.
public enum DatabaseKind: String, Sendable {
    case sqlite, postgres
}

/// One handle over SQLite or PostgreSQL: connections, transactions and shutdown.
public final class Database: Sendable {
    private enum Backend: Sendable {
        case sqlite(SQLitePool)
        case postgres(PostgresPool)
    }

    /// One SQLite connection and the lock that gives it to one task at a time.
    private struct GuardedConnection: Sendable {
        let connection: SQLiteConnection
        let lock = AsyncLock()
    }

    /// SQLite: one writer (SQLite allows a single one; transactions run there), and read-only connections
    /// that WAL lets read beside it, so a read never queues behind a write or another read while a reader
    /// is free. An in-memory database has only the writer.
    private final class SQLitePool: Sendable {
        let writer: GuardedConnection
        let readers: [GuardedConnection]
        private let next = Atomic<Int>(0)

        init(writer: GuardedConnection, readers: [GuardedConnection]) {
            self.writer = writer
            self.readers = readers
        }

        /// A free reader if there is one (it comes back locked), else the next one in turn to wait for.
        func reader() -> (GuardedConnection, locked: Bool)? {
            guard !readers.isEmpty else { return nil }
            let start = next.wrappingAdd(1, ordering: .relaxed).oldValue
            for offset in 0..<readers.count {
                let candidate = readers[(start &+ offset) % readers.count]
                if candidate.lock.tryLock() { return (candidate, true) }
            }
            return (readers[start % readers.count], false)
        }

        func close() async {
            for guarded in [writer] + readers { try? await guarded.connection.close() }
        }
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
    /// The SQLite file as it was when opened, so a health probe can tell it was removed or replaced.
    let file: DatabaseFile?
    private let usage = ConnectionUsage()
    private let caches: ReadThroughCaches
    /// What this node tells the others on the same database, and hears from them: see `ChangeFeed`.
    public let changes: ChangeFeed

    /// How long a cached value is served before it is read again: what another node's write may take to be seen
    /// when its change notice is lost.
    public static let cacheMaxAge: Duration = .seconds(1)

    /// `open`'s connections when none are configured: SQLite readers beside the writer, or PostgreSQL
    /// connections per event loop.
    public static let defaultConnections = 4

    /// The read-through cache `name` of this database, shared by every store that asks for it.
    public func cache<Key, Value>(_ name: String, of type: ReadThroughCache<Key, Value>.Type) -> ReadThroughCache<Key, Value> {
        caches.cache(name, of: type, maxAge: Self.cacheMaxAge)
    }

    private init(
        kind: DatabaseKind, backend: Backend, logger: Logger, observer: QueryObserver?, changes: ChangeFeed, file: DatabaseFile? = nil
    ) {
        self.kind = kind
        self.changes = changes
        self.caches = ReadThroughCaches(changes: changes)
        self.backend = backend
        self.logger = logger
        self.observer = observer
        self.file = file
    }

    /// Opens the database at `url`; `observer`, when given, is told the SQL of every statement run through it.
    /// `connections` is the number of read-only connections beside SQLite's writer, or PostgreSQL
    /// connections per event loop.
    public static func open(_ url: DatabaseURL, logger: Logger, observer: QueryObserver? = nil, connections: Int = defaultConnections) async throws
        -> Database
    {
        switch url {
        case .sqliteFile, .sqliteMemory:
            let storage: SQLiteConnection.Storage
            if case .sqliteFile(let path) = url { storage = .file(path: path) } else { storage = .memory }
            let writer = try await SQLiteConnection.open(storage: storage, logger: logger)
            let sql = writer.sql(queryLogLevel: .trace)
            try await sql.raw("PRAGMA foreign_keys = ON").run()
            try await sql.raw("PRAGMA busy_timeout = 5000").run()
            var readers: [GuardedConnection] = []
            if case .sqliteFile = url {
                try await sql.raw("PRAGMA journal_mode = WAL").run()
                for _ in 0..<max(connections, 0) {
                    let reader = try await SQLiteConnection.open(storage: storage, logger: logger)
                    try await reader.sql(queryLogLevel: .trace).raw("PRAGMA busy_timeout = 5000").run()
                    try await reader.sql(queryLogLevel: .trace).raw("PRAGMA query_only = ON").run()
                    readers.append(GuardedConnection(connection: reader))
                }
            }
            let pool = SQLitePool(writer: GuardedConnection(connection: writer), readers: readers)
            let file: DatabaseFile? = if case .sqliteFile(let path) = url { DatabaseFile(path: path) } else { nil }
            return Database(kind: .sqlite, backend: .sqlite(pool), logger: logger, observer: observer, changes: .local(logger: logger), file: file)
        case .postgres(let text):
            let configuration = try SQLPostgresConfiguration(url: text)
            let pool = EventLoopGroupConnectionPool(
                source: PostgresConnectionSource(sqlConfiguration: configuration),
                maxConnectionsPerEventLoop: max(connections, 1),
                pruneInterval: nil,
                logger: logger,
                on: MultiThreadedEventLoopGroup.singleton
            )
            let box = PostgresPool(pool)
            do {
                try await pool.withConnection(logger: logger) { connection in connection.sql().raw("SELECT 1").run() }.get()
            } catch {
                try? await pool.shutdownAsync()
                throw error
            }
            let changes = await ChangeFeed.postgres(configuration: configuration.coreConfiguration, logger: logger) { notice in
                try await box.pool.withConnection(logger: logger) { connection in
                    connection.sql().raw("SELECT pg_notify(\(bind: ChangeFeed.channel), \(bind: notice))").run()
                }.get()
            }
            return Database(kind: .postgres, backend: .postgres(box), logger: logger, observer: observer, changes: changes)
        }
    }

    /// Runs `body` with a connection of its own, one that may write (on SQLite, the single writer).
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await traced("db.connection") { try await self.onConnection(body) }
    }

    private func onConnection<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite(let pool):
            let sql = observed(SQLiteSQLConnection(connection: pool.writer.connection))
            let requested = ContinuousClock.now
            return try await pool.writer.lock.withLock { [usage] in try await usage.using(.writer, since: requested) { try await body(sql) } }
        case .postgres(let box):
            let requested = ContinuousClock.now
            return try await box.pool.withConnection(logger: logger) { [observer, usage] connection in
                let promise = connection.eventLoop.makePromise(of: T.self)
                let sql = connection.sql(queryLogLevel: .trace)
                promise.completeWithTask {
                    try await usage.using(.pooled, since: requested) {
                        try await body(observer.map { ObservedSQLDatabase(base: sql, observer: $0) } ?? sql)
                    }
                }
                return promise.futureResult
            }.get()
        }
    }

    /// Runs `body`, which only reads, on a connection of its own: on SQLite a read-only one beside the
    /// writer (it sees every committed write), on PostgreSQL any pooled connection.
    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await traced("db.read") { try await self.onReader(body) }
    }

    private func onReader<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        guard case .sqlite(let pool) = backend, let (reader, locked) = pool.reader() else { return try await onConnection(body) }
        let requested = ContinuousClock.now
        if !locked { await reader.lock.lock() }
        defer { reader.lock.unlock() }
        return try await usage.using(.reader, since: requested) { try await body(observed(SQLiteSQLConnection(connection: reader.connection))) }
    }

    private func observed(_ sql: any SQLDatabase) -> any SQLDatabase {
        observer.map { ObservedSQLDatabase(base: sql, observer: $0) } ?? sql
    }

    /// Runs `body` in a transaction: committed if it returns, rolled back if it throws.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await traced("db.transaction") { try await self.onConnection { sql in try await Self.inTransaction(sql, body) } }
    }

    private static func inTransaction<T: Sendable>(_ sql: any SQLDatabase, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T)
        async throws -> T
    {
        try await sql.raw("BEGIN").run()
        do {
            let result = try await body(sql)
            try await sql.raw("COMMIT").run()
            return result
        } catch {
            // Whatever ended the body, cancellation included, is rolled back. A statement of a cancelled task fails
            // before it runs (SQLite's thread pool refuses the work of a cancelled task), and so would a ROLLBACK
            // sent from it, leaving the connection inside a transaction that every later BEGIN is refused for: the
            // rollback runs in a task of its own, which the caller's cancellation does not reach.
            await Task { try? await sql.raw("ROLLBACK").run() }.value
            throw error
        }
    }

    /// Runs `body` in a client span named `name` (`db.read`, `db.connection`, `db.transaction`), so an installed
    /// tracer sees each database call under the request that made it.
    private func traced<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
        try await withSpan(name, ofKind: .client) { span in
            span.attributes["db.system"] = kind == .sqlite ? "sqlite" : "postgresql"
            return try await body()
        }
    }

    /// Closes connections; the handle is unusable afterwards.
    public func close() async {
        await changes.stop()
        switch backend {
        case .sqlite(let pool): await pool.close()
        case .postgres(let box): try? await box.pool.shutdownAsync()
        }
    }
}
