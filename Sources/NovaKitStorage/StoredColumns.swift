public import SQLKit
import SQLiteNIO

/// Typed reads of one selected row's columns by name, for a narrow row type that decodes itself
/// (`StoredRow.init(row:)`): on SQLite, text and integers come straight from SQLite's values, with no
/// `Decoder` and no generic cast; anything else, and other engines, go through the row's own decoding.
public struct StoredColumns {
    let row: any SQLRow
    let sqlite: SQLiteRow?

    public init(_ row: any SQLRow) {
        self.row = row
        self.sqlite = (row as? SQLiteStoredRow)?.row
    }

    public func int(_ column: String) throws -> Int {
        if case .integer(let value)? = sqlite?.column(column) { return value }
        return try row.decode(column: column, as: Int.self)
    }

    public func string(_ column: String) throws -> String {
        if case .text(let value)? = sqlite?.column(column) { return value }
        return try row.decode(column: column, as: String.self)
    }
}
