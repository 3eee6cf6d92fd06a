public import Foundation
public import SQLKit
import SQLiteNIO

/// Typed reads of one selected row's columns by name, for a row type that decodes itself
/// (`StoredRow.init(row:)`): on SQLite, text, integers, booleans, dates and NULL come straight from SQLite's
/// values, with no `Decoder` and no generic cast; anything else, and other engines, go through the row's own
/// decoding.
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

    public func bool(_ column: String) throws -> Bool {
        if case .integer(let value)? = sqlite?.column(column), value == 0 || value == 1 { return value == 1 }
        return try row.decode(column: column, as: Bool.self)
    }

    public func date(_ column: String) throws -> Date {
        if let data = sqlite?.column(column), let date = Self.date(data) { return date }
        return try row.decode(column: column, as: Date.self)
    }

    public func optionalInt(_ column: String) throws -> Int? {
        switch sqlite?.column(column) {
        case .null?: return nil
        case .integer(let value)?: return value
        default: return try row.decode(column: column, as: Int?.self)
        }
    }

    public func optionalString(_ column: String) throws -> String? {
        switch sqlite?.column(column) {
        case .null?: return nil
        case .text(let value)?: return value
        default: return try row.decode(column: column, as: String?.self)
        }
    }

    public func optionalBool(_ column: String) throws -> Bool? {
        switch sqlite?.column(column) {
        case .null?: return nil
        case .integer(let value)? where value == 0 || value == 1: return value == 1
        default: return try row.decode(column: column, as: Bool?.self)
        }
    }

    public func optionalDate(_ column: String) throws -> Date? {
        if let data = sqlite?.column(column) {
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
