import Foundation
import SQLKit

/// Applies the migration list. Each applied migration is recorded by id, so a list that gains
/// entries in the middle (a new built-in API before a third-party one) still upgrades cleanly;
/// the version is the number of applied migrations, and pending ones run in list order.
public struct SchemaMigrator: Sendable {
    public let migrations: [SchemaMigration]
    private let database: Database
    private static let table = "novakit_migrations"

    public init(database: Database, migrations: [SchemaMigration]) {
        self.database = database
        self.migrations = migrations
    }

    /// The newest version this code knows.
    public var newest: Int { migrations.count }

    /// The version the database is at (0 when empty); fails if it holds a migration this code lacks.
    public func currentVersion() async throws -> Int {
        try await appliedIDs().count
    }

    private func appliedIDs() async throws -> Set<String> {
        let known = Set(migrations.map(\.id))
        return try await database.withConnection { sql in
            try await Self.ensureVersionTable(sql)
            let ids = try await sql.select().column("migration_id").from(Self.table).all()
                .map { try $0.decode(column: "migration_id", as: String.self) }
            if let unknown = ids.first(where: { !known.contains($0) }) { throw DatabaseError.unknownMigration(unknown) }
            return Set(ids)
        }
    }

    /// Brings the database to `target` migrations (default: all); upgrades only, each step in a transaction.
    @discardableResult
    public func sync(to target: Int? = nil) async throws -> (from: Int, to: Int) {
        let goal = target ?? newest
        let applied = try await appliedIDs()
        let current = applied.count
        guard goal <= newest, goal >= 0 else { throw DatabaseError.unknownVersion(requested: goal, newest: newest) }
        guard goal >= current else { throw DatabaseError.downgradeRefused(current: current, requested: goal) }
        let pending = migrations.filter { !applied.contains($0.id) }.prefix(goal - current)
        let kind = database.kind
        for (offset, migration) in pending.enumerated() {
            try await database.transaction { sql in
                try await migration.apply(sql, kind)
                try await sql.insert(into: Self.table)
                    .columns("version", "migration_id", "applied_at")
                    .values(SQLBind(current + offset + 1), SQLBind(migration.id), SQLBind(Date()))
                    .run()
            }
        }
        return (current, goal)
    }

    /// Throws `outOfDate` unless every migration is applied.
    public func requireCurrent() async throws {
        let current = try await currentVersion()
        guard current == newest else { throw DatabaseError.outOfDate(current: current, newest: newest) }
    }

    private static func ensureVersionTable(_ sql: any SQLDatabase) async throws {
        try await sql.create(table: table).ifNotExists()
            .column("version", type: .int, .primaryKey(autoIncrement: false))
            .column("migration_id", type: .text, .notNull, .unique)
            .column("applied_at", type: .custom(SQLRaw(timestampType(sql))), .notNull)
            .run()
    }
}

/// The column type for timestamps on this engine.
func timestampType(_ sql: any SQLDatabase) -> String {
    sql.dialect.name == "postgresql" ? "TIMESTAMPTZ" : "DATETIME"
}
