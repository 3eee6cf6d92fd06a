public import SQLKit

/// A row type of a soft-deletable table, read and written through `Codable`: its coding keys are the
/// column names, so a store selects `columns` and decodes whole rows instead of column by column.
public protocol StoredRow: Codable, SelectedRow {
    /// The table the rows live in.
    static var table: String { get }
    /// The columns a row is read from, in the order selected.
    static var columns: [String] { get }
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

    /// Decodes one selected row through `Codable` (`StoredRowDecoder`, one lookup per column). A row read by the
    /// hundred on a hot path may read its columns itself instead.
    public init(row: any SQLRow) throws {
        self = try Self(from: StoredRowDecoder(row: row))
    }

    /// The row's columns and values, for an insert or an update (`nil` values as NULL).
    public func columnValues() throws -> [(String, any SQLExpression)] {
        try SQLQueryEncoder(nilEncodingStrategy: .asNil).encode(self)
    }
}
