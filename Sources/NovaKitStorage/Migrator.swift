import Foundation
import SQLKit

/// Applies the ordered migration list; version N means the first N migrations are applied.
public struct Migrator: Sendable {
    public let migrations: [Migration]
    private let database: Database
    private static let table = "novakit_migrations"

    public init(database: Database, migrations: [Migration]) {
        self.database = database
        self.migrations = migrations
    }

    /// The newest version this code knows.
    public var newest: Int { migrations.count }

    /// The version the database is at (0 when empty), after checking its history against the code.
    public func currentVersion() async throws -> Int {
        let migrations = migrations
        return try await database.withConnection { sql in
            try await Self.ensureVersionTable(sql)
            let rows = try await sql.select().columns("version", "migration_id").from(Self.table)
                .orderBy("version").all()
            for row in rows {
                let version = try row.decode(column: "version", as: Int.self)
                let recorded = try row.decode(column: "migration_id", as: String.self)
                guard version <= migrations.count else { throw DatabaseError.newerThanCode(current: version, newest: migrations.count) }
                let expected = migrations[version - 1].id
                guard recorded == expected else { throw DatabaseError.historyMismatch(version: version, recorded: recorded, expected: expected) }
            }
            return rows.count
        }
    }

    /// Brings the database to `target` (default: newest); upgrades only, each step in a transaction.
    @discardableResult
    public func sync(to target: Int? = nil) async throws -> (from: Int, to: Int) {
        let goal = target ?? newest
        let current = try await currentVersion()
        guard goal <= newest, goal >= 0 else { throw DatabaseError.unknownVersion(requested: goal, newest: newest) }
        guard goal >= current else { throw DatabaseError.downgradeRefused(current: current, requested: goal) }
        let kind = database.kind
        for version in stride(from: current + 1, through: goal, by: 1) {
            let migration = migrations[version - 1]
            try await database.transaction { sql in
                try await migration.apply(sql, kind)
                try await sql.insert(into: Self.table)
                    .columns("version", "migration_id", "applied_at")
                    .values(SQLBind(version), SQLBind(migration.id), SQLBind(Date()))
                    .run()
            }
        }
        return (current, goal)
    }

    /// Throws `outOfDate` unless the database is at the newest version.
    public func requireCurrent() async throws {
        let current = try await currentVersion()
        guard current == newest else { throw DatabaseError.outOfDate(current: current, newest: newest) }
    }

    private static func ensureVersionTable(_ sql: any SQLDatabase) async throws {
        try await sql.create(table: table).ifNotExists()
            .column("version", type: .int, .primaryKey(autoIncrement: false))
            .column("migration_id", type: .text, .notNull)
            .column("applied_at", type: .custom(SQLRaw(timestampType(sql))), .notNull)
            .run()
    }
}

/// The column type for timestamps on this engine.
func timestampType(_ sql: any SQLDatabase) -> String {
    sql.dialect.name == "postgresql" ? "TIMESTAMPTZ" : "DATETIME"
}
