import Foundation
import SQLKit

/// Which rows a read sees, as Nova's `read_deleted`: live ones, all, or only soft-deleted ones.
public enum ReadDeleted: String, Sendable, CaseIterable {
    case no, yes, only
}

extension SQLPredicateBuilder {
    /// Restricts a query on a soft-deletable table according to `mode`.
    public func readDeleted(_ mode: ReadDeleted, table: String? = nil) -> Self {
        let column = table.map { SQLColumn("deleted", table: $0) } ?? SQLColumn("deleted")
        switch mode {
        case .no: return self.where(column, .equal, SQLLiteral.numeric("0"))
        case .yes: return self
        case .only: return self.where(column, .notEqual, SQLLiteral.numeric("0"))
        }
    }
}

extension SQLDatabase {
    /// Soft-deletes the live row `id` of `table` (deleted = id, deleted_at = now); returns whether a row changed.
    public func softDelete(from table: String, id: Int, at now: Date) async throws -> Bool {
        try await softDelete(from: table, where: "id", equals: id, rowIDColumn: "id", at: now) > 0
    }

    /// Soft-deletes the live rows whose `column` equals `value`: `deleted` takes each row's integer
    /// id (`rowIDColumn`), `deleted_at` now. Returns how many rows changed.
    public func softDelete(
        from table: String, where column: String, equals value: some Encodable & Sendable, rowIDColumn: String, at now: Date
    ) async throws -> Int {
        try await update(table)
            .set("deleted", to: SQLColumn(rowIDColumn))
            .set("deleted_at", to: SQLBind(now))
            .where(SQLColumn(column), .equal, SQLBind(value))
            .readDeleted(.no)
            .returning(SQLColumn(rowIDColumn))
            .all()
            .count
    }

    /// Creates a Nova-style table: `columns` plus created_at, updated_at, deleted_at and deleted.
    public func createSoftDeletableTable(
        _ name: String, _ configure: (SQLCreateTableBuilder) -> SQLCreateTableBuilder
    ) async throws {
        let timestamp = SQLDataType.custom(SQLRaw(timestampType(self)))
        let builder = create(table: name)
            .column("created_at", type: timestamp)
            .column("updated_at", type: timestamp)
            .column("deleted_at", type: timestamp)
            .column("deleted", type: .int, .notNull, .default(0))
        try await configure(builder).run()
    }
}
