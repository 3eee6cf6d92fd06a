import Logging
import NIOCore
import SQLKit

/// Called with the SQL text of every statement a `Database` runs (tests count queries with it).
public typealias QueryObserver = @Sendable (String) -> Void

/// Forwards everything to another `SQLDatabase`, telling an observer each statement's SQL first.
struct ObservedSQLDatabase: SQLDatabase {
    let base: any SQLDatabase
    let observer: QueryObserver

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        observer(base.serialize(query).sql)
        return base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        observer(base.serialize(query).sql)
        try await base.execute(sql: query, onRow)
    }
}
