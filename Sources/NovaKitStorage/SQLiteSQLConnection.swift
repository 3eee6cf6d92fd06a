import Foundation
import Logging
import NIOCore
import SQLKit
import SQLiteKit

/// `SQLDatabase` over one SQLite connection, as SQLiteKit's own wrapper is, except for the rows it hands
/// out: `SQLiteStoredRow` keeps SQLite's values reachable, so `StoredRowDecoder` reads text, integers,
/// reals and NULLs straight from them instead of sending every column through a general `Decoder`.
struct SQLiteSQLConnection: SQLDatabase {
    let connection: SQLiteConnection

    var logger: Logger { connection.logger }
    var eventLoop: any EventLoop { connection.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { nil }
    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { .trace }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        do {
            let (sql, binds) = try statement(query)
            return connection.query(sql, binds) { onRow(SQLiteStoredRow(row: $0)) }
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = try statement(query)
        try await connection.query(sql, binds) { onRow(SQLiteStoredRow(row: $0)) }
    }

    private func statement(_ query: any SQLExpression) throws -> (String, [SQLiteData]) {
        let (sql, binds) = serialize(query)
        logger.trace("Executing query", metadata: ["sql": .string(sql)])
        let encoder = SQLiteDataEncoder()
        return (sql, try binds.map { try encoder.encode($0) })
    }
}

/// A row of `SQLiteSQLConnection`: SQLKit's `SQLRow`, decoding as SQLiteKit does, with the values at hand.
struct SQLiteStoredRow: SQLRow {
    let row: SQLiteRow

    var allColumns: [String] { row.columns.map(\.name) }

    func contains(column: String) -> Bool { row.column(column) != nil }

    func decodeNil(column: String) throws -> Bool { (row.column(column) ?? .null) == .null }

    func decode<D: Decodable>(column: String, as _: D.Type) throws -> D {
        try Self.decode(try data(column), as: D.self)
    }

    /// `nil` for NULL, else the value as `D`: one lookup, where decoding `D?` would go through a `Decoder`.
    func decodeIfPresent<D: Decodable>(column: String, as _: D.Type) throws -> D? {
        let data = try data(column)
        return data == .null ? nil : try Self.decode(data, as: D.self)
    }

    private func data(_ column: String) throws -> SQLiteData {
        guard let data = row.column(column) else {
            throw DecodingError.keyNotFound(
                SQLColumnKey(column), .init(codingPath: [], debugDescription: "the row has no column \(column)"))
        }
        return data
    }

    private static func decode<D: Decodable>(_ data: SQLiteData, as _: D.Type) throws -> D {
        if let value = SQLiteValue.decode(data, as: D.self) { return value }
        return try SQLiteDataDecoder().decode(D.self, from: data)
    }
}

/// SQLite values of the types rows hold, read without a `Decoder`: exactly what `SQLiteDataDecoder` makes of
/// them (text as `String`, integers as `Int`, `Bool` or `Double`, reals as `Double`, numbers as `Date` since
/// 1970). Anything else — other types, text dates, mismatches that must fail — is left to the decoder.
enum SQLiteValue {
    static func decode<T>(_ data: SQLiteData, as _: T.Type) -> T? {
        switch data {
        case .text(let text): return T.self == String.self ? text as? T : nil
        case .integer(let integer):
            if T.self == Int.self { return integer as? T }
            if T.self == Bool.self, integer == 0 || integer == 1 { return (integer == 1) as? T }
            if T.self == Double.self { return Double(integer) as? T }
            if T.self == Date.self { return Date(timeIntervalSince1970: Double(integer)) as? T }
            return nil
        case .float(let real):
            if T.self == Double.self { return real as? T }
            if T.self == Date.self { return Date(timeIntervalSince1970: real) as? T }
            return nil
        case .blob, .null: return nil
        }
    }
}

/// A column name as a coding key, for decoding errors.
private struct SQLColumnKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue _: Int) { nil }
}
