public import Foundation
public import SQLKit

/// Which rows a read sees, as Nova's `read_deleted`: live ones, all, or only soft-deleted ones.
public enum ReadDeleted: String, Sendable, CaseIterable {
    case no, yes, only
}

extension SQLPredicateBuilder {
    /// Restricts a query on a soft-deletable table according to `mode`.
    public func readDeleted(_ mode: ReadDeleted, table: String? = nil) -> Self {
        let column = SQLName("deleted", table: table)
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
        try await softDelete(from: table, matching: [(column, value)], rowIDColumn: rowIDColumn, at: now)
    }

    /// Soft-deletes the live rows matching every `(column, value)` pair. Returns how many rows changed.
    public func softDelete(
        from table: String, matching conditions: [(String, any Encodable & Sendable)], rowIDColumn: String = "id", at now: Date
    ) async throws -> Int {
        var query = update(table).set("deleted", to: SQLColumn(rowIDColumn)).set("deleted_at", to: SQLBind(now))
        for (column, value) in conditions { query = query.where(SQLColumn(column), .equal, SQLBind(value)) }
        return try await query.readDeleted(.no).returning(SQLColumn(rowIDColumn)).all().count
    }

    /// Sets `values` on the live row matching every `(column, value)` pair, or inserts one with both.
    public func setLive(
        in table: String, matching conditions: [(String, any Encodable & Sendable)], values: [(String, any Encodable & Sendable)],
        at now: Date
    ) async throws {
        var query = update(table).set("updated_at", to: SQLBind(now))
        for (column, value) in values { query = query.set(SQLColumn(column), to: SQLBind(value)) }
        for (column, value) in conditions { query = query.where(SQLColumn(column), .equal, SQLBind(value)) }
        guard try await query.readDeleted(.no).returning("id").all().isEmpty else { return }
        let columns = conditions + values + [("created_at", now), ("deleted", 0)]
        try await insert(into: table).columns(columns.map(\.0)).values(columns.map { SQLBind($0.1) as any SQLExpression }).run()
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
