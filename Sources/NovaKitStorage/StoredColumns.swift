public import Foundation
public import SQLKit
import SQLiteNIO

/// Typed reads of one selected row's columns by name, for a row type that decodes itself
/// (`StoredRow.init(row:)`): on SQLite, text, integers, booleans, dates and NULL come straight from SQLite's
/// values, with no `Decoder` and no generic cast; anything else, and other engines, go through the row's own
/// decoding.
///
/// A row type that reads its whole row in the order it selected it (`inSelectOrder`) finds each column where the
/// last read left off, with one name comparison, instead of hashing the name into SQLite's lookup table: for a
/// hundred rows of 35 columns the hashing alone was 4 % of a detail page. A read out of that order still finds
/// its column by name (a name selected twice is then read in turn, where a lookup by name finds the first).
public final class StoredColumns {
    let row: any SQLRow
    let sqlite: SQLiteRow?
    /// SQLite's values in select order, with their names (only when read in that order).
    private let ordered: [SQLiteColumn]
    /// Where the next read in select order is.
    private var next = 0

    public init(_ row: any SQLRow, inSelectOrder: Bool = false) {
        self.row = row
        self.sqlite = (row as? SQLiteStoredRow)?.row
        self.ordered = inSelectOrder ? sqlite?.columns ?? [] : []
    }

    /// SQLite's value of `column`; `nil` on other engines or when the row has no such column.
    private func value(_ column: String) -> SQLiteData? {
        if next < ordered.count, ordered[next].name == column {
            next += 1
            return ordered[next - 1].data
        }
        return sqlite?.column(column)
    }

    public func int(_ column: String) throws -> Int {
        if case .integer(let value)? = value(column) { return value }
        return try row.decode(column: column, as: Int.self)
    }

    public func string(_ column: String) throws -> String {
        if case .text(let value)? = value(column) { return value }
        return try row.decode(column: column, as: String.self)
    }

    public func bool(_ column: String) throws -> Bool {
        if case .integer(let value)? = value(column), value == 0 || value == 1 { return value == 1 }
        return try row.decode(column: column, as: Bool.self)
    }

    public func date(_ column: String) throws -> Date {
        if let data = value(column), let date = Self.date(data) { return date }
        return try row.decode(column: column, as: Date.self)
    }

    public func optionalInt(_ column: String) throws -> Int? {
        switch value(column) {
        case .null?: return nil
        case .integer(let value)?: return value
        default: return try row.decode(column: column, as: Int?.self)
        }
    }

    public func optionalString(_ column: String) throws -> String? {
        switch value(column) {
        case .null?: return nil
        case .text(let value)?: return value
        default: return try row.decode(column: column, as: String?.self)
        }
    }

    public func optionalBool(_ column: String) throws -> Bool? {
        switch value(column) {
        case .null?: return nil
        case .integer(let value)? where value == 0 || value == 1: return value == 1
        default: return try row.decode(column: column, as: Bool?.self)
        }
    }

    public func optionalDate(_ column: String) throws -> Date? {
        if let data = value(column) {
            if data == .null { return nil }
            if let date = Self.date(data) { return date }
        }
        return try row.decode(column: column, as: Date?.self)
    }

    /// A date stored as SQLite stores `Date` (seconds since 1970, real or integer), rounded to the microsecond
    /// as SQLiteNIO rounds it; `nil` for anything else (text dates go through SQLiteNIO's own parsing).
    static func date(_ data: SQLiteData) -> Date? {
        let seconds: Double
        switch data {
        case .float(let value): seconds = value
        case .integer(let value): seconds = Double(value)
        default: return nil
        }
        let sinceReference = seconds - Date.timeIntervalBetween1970AndReferenceDate
        return Date(timeIntervalSinceReferenceDate: (sinceReference * 1e6).rounded() / 1e6)
    }
}
