public import SQLKit

/// A row type of a soft-deletable table, read and written through `Codable`: its coding keys are the
/// column names, so a store selects `columns` and decodes whole rows instead of column by column.
public protocol StoredRow: Codable, Sendable {
    /// The table the rows live in.
    static var table: String { get }
    /// The columns a row is read from, in the order selected.
    static var columns: [String] { get }
    /// Decodes one selected row; by default through `Codable` (`StoredRowDecoder`, one lookup per column). A
    /// narrow row read by the hundred on a hot path may read its few columns itself.
    init(row: any SQLRow) throws
}

extension StoredRow {
    /// `SELECT <columns> FROM <table>`, restricted to live rows unless `readDeleted` says otherwise.
    public static func select(on sql: any SQLDatabase, readDeleted: ReadDeleted = .no) -> SQLSelectBuilder {
        sql.select().column(SQLRaw(quotedColumns)).from(SQLName(table)).readDeleted(readDeleted)
    }

    /// `"id", "uuid", …`: the column list written once as text. SQLKit quotes each `SQLColumn` by searching
    /// it for quotes to double, which was a fifth of a server show's CPU with 31 columns; these names are
    /// plain identifiers (letters, digits, underscores; checked in debug builds), quoted alike by SQLite and
    /// PostgreSQL.
    static var quotedColumns: String {
        assert(columns.allSatisfy(SQLName.isPlain))
        var text = ""
        text.reserveCapacity(columns.count * 16)
        for (index, column) in columns.enumerated() {
            if index > 0 { text += ", " }
            text += "\"" + column + "\""
        }
        return text
    }

    /// Decodes one selected row through `Codable` (one lookup per column).
    public init(row: any SQLRow) throws {
        self = try Self(from: StoredRowDecoder(row: row))
    }

    /// The row's columns and values, for an insert or an update (`nil` values as NULL).
    public func columnValues() throws -> [(String, any SQLExpression)] {
        try SQLQueryEncoder(nilEncodingStrategy: .asNil).encode(self)
    }
}

extension SQLQueryFetcher {
    /// Every row the query returns, as `Row`: each decoded as it arrives, on the database's thread, rather than
    /// all of them gathered as `any SQLRow` first and decoded in a second pass.
    @inlinable
    public func all<Row: StoredRow>(_: Row.Type) async throws -> [Row] {
        nonisolated(unsafe) var rows: [Row] = []
        try await forEach(Row.self) { rows.append($0) }
        return rows
    }

    /// Hands `body` every row the query returns, decoded as `Row`, in order, as each arrives (on the database's
    /// thread); a row that cannot be decoded fails the read, and `body` sees no row after it. Inlinable, so the
    /// decoding is specialized for `Row` where it is called. Rows arrive one at a time and the read completes
    /// after the last, which is what SQLKit's own `all()` relies on for its array as well.
    @inlinable
    public func forEach<Row: StoredRow>(_: Row.Type, _ body: @escaping @Sendable (consuming Row) -> Void) async throws {
        nonisolated(unsafe) var failure: (any Error)?
        try await run { row in
            guard failure == nil else { return }
            do { body(try Row(row: row)) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// The first row the query returns, as `Row`.
    public func first<Row: StoredRow>(_: Row.Type) async throws -> Row? {
        try await first().map { try Row(row: $0) }
    }
}
