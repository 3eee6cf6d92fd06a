import Foundation
import Logging
import SQLKit
import SQLiteKit
import Testing

@testable import NovaKitStorage

/// NovaKit's SQLite rows read common column types straight from SQLite's values; whatever they make of a
/// value — a result or a refusal — must be what SQLiteKit's own row decoder makes of it.
@Suite("SQLite row decoding")
struct RowDecodingTests {
    static let literals = [
        "0", "1", "2", "-5", "9007199254740993", "1.5", "2.0", "-0.25", "'abc'", "'12'", "'1'", "''", "'2026-01-02 03:04:05'",
        "'2026-01-02T03:04:05Z'", "NULL", "x'00ff'",
    ]

    /// What a decode gives, comparable across the two paths.
    static func outcome<T: Decodable & Equatable>(_ row: any SQLRow, _: T.Type) -> String {
        do { return "value \(String(reflecting: try row.decode(column: "v", as: T.self)))" } catch { return "refused" }
    }

    static func outcomes(_ row: any SQLRow) -> [String] {
        [
            outcome(row, String.self), outcome(row, Int.self), outcome(row, Bool.self), outcome(row, Double.self), outcome(row, Date.self),
            outcome(row, String?.self), outcome(row, Int?.self), outcome(row, Bool?.self), outcome(row, Double?.self),
            outcome(row, Date?.self), outcome(row, Int64.self), outcome(row, Data.self),
        ]
    }

    /// A one-column stored row, to decode each literal through `StoredRowDecoder` (its fast paths for text,
    /// integers, booleans and NULL) as a store does.
    struct One<Value: Codable & Sendable>: StoredRow {
        static var table: String { "literals" }
        static var columns: [String] { ["v"] }
        var v: Value
    }

    static func storedOutcome<T: Codable & Sendable & Equatable>(_ row: any SQLRow, _: T.Type) -> String {
        do { return "value \(String(reflecting: try One<T>(row: row).v))" } catch { return "refused" }
    }

    /// The same decodes as `outcomes`, through a stored row.
    static func storedOutcomes(_ row: any SQLRow) -> [String] {
        [
            storedOutcome(row, String.self), storedOutcome(row, Int.self), storedOutcome(row, Bool.self), storedOutcome(row, Double.self),
            storedOutcome(row, Date.self), storedOutcome(row, String?.self), storedOutcome(row, Int?.self), storedOutcome(row, Bool?.self),
            storedOutcome(row, Double?.self), storedOutcome(row, Date?.self), storedOutcome(row, Int64.self), storedOutcome(row, Data.self),
        ]
    }

    static func columnOutcome<T>(_ read: () throws -> T) -> String {
        do { return "value \(String(reflecting: try read()))" } catch { return "refused" }
    }

    /// The reads `StoredColumns` offers, in the order of `sqliteKitReads`.
    static func columnReads(_ row: any SQLRow) -> [String] {
        let columns = StoredColumns(row)
        return [
            columnOutcome { try columns.string("v") }, columnOutcome { try columns.int("v") }, columnOutcome { try columns.bool("v") },
            columnOutcome { try columns.date("v") }, columnOutcome { try columns.optionalString("v") },
            columnOutcome { try columns.optionalInt("v") }, columnOutcome { try columns.optionalBool("v") },
            columnOutcome { try columns.optionalDate("v") },
        ]
    }

    static func sqliteKitReads(_ row: any SQLRow) -> [String] {
        [
            outcome(row, String.self), outcome(row, Int.self), outcome(row, Bool.self), outcome(row, Date.self), outcome(row, String?.self),
            outcome(row, Int?.self), outcome(row, Bool?.self), outcome(row, Date?.self),
        ]
    }

    struct Sample: StoredRow, Equatable {
        static let table = "samples"
        static let columns = ["text", "number", "flag", "real", "at", "maybe_text", "maybe_number", "maybe_flag", "maybe_at"]
        var text: String
        var number: Int
        var flag: Bool
        var real: Double
        var at: Date
        var maybeText: String?
        var maybeNumber: Int?
        var maybeFlag: Bool?
        var maybeAt: Date?

        enum CodingKeys: String, CodingKey {
            case text, number, flag, real, at
            case maybeText = "maybe_text", maybeNumber = "maybe_number", maybeFlag = "maybe_flag", maybeAt = "maybe_at"
        }
    }

    /// An in-memory database with an empty `samples` table.
    static func samplesTable() async throws -> SQLiteConnection {
        let connection = try await SQLiteConnection.open(storage: .memory, logger: Logger(label: "test"))
        try await connection.sql().raw(
            """
            CREATE TABLE samples (id INTEGER PRIMARY KEY, text TEXT, number INTEGER, flag BOOLEAN, real REAL, at REAL,
            maybe_text TEXT, maybe_number INTEGER, maybe_flag BOOLEAN, maybe_at REAL, deleted INTEGER)
            """
        ).run()
        return connection
    }

    static func insert(_ samples: [Sample], into database: any SQLDatabase) async throws {
        for sample in samples {
            let values = try sample.columnValues()
            try await database.insert(into: "samples").columns(values.map(\.0) + ["deleted"]).values(values.map(\.1) + [SQLBind(0)]).run()
        }
    }

    @Test("every literal decodes (or is refused) as SQLiteKit's row decodes it, for every common type")
    func sameAsSQLiteKit() async throws {
        let connection = try await SQLiteConnection.open(storage: .memory, logger: Logger(label: "test"))
        defer { Task { try? await connection.close() } }
        let reference = connection.sql()
        let fast = SQLiteSQLConnection(connection: connection)
        for literal in Self.literals {
            let expected = try #require(try await reference.raw(SQLQueryString("SELECT " + literal + " AS v")).first())
            let actual = try #require(try await fast.raw(SQLQueryString("SELECT " + literal + " AS v")).first())
            #expect(actual is SQLiteStoredRow)
            #expect(Self.outcomes(actual) == Self.outcomes(expected), "\(literal)")
            #expect(Self.storedOutcomes(actual) == Self.outcomes(expected), "\(literal) through a stored row")
            #expect(Self.columnReads(actual) == Self.sqliteKitReads(expected), "\(literal) through StoredColumns")
        }
    }

    @Test("reads in select order, out of it, repeated or of absent columns find what reads by name find")
    func selectOrder() async throws {
        let connection = try await SQLiteConnection.open(storage: .memory, logger: Logger(label: "test"))
        defer { Task { try? await connection.close() } }
        let names = Self.literals.indices.map { "c\($0)" }
        let select = zip(Self.literals, names).map { "\($0) AS \($1)" }.joined(separator: ", ")
        let row = try #require(try await SQLiteSQLConnection(connection: connection).raw(SQLQueryString("SELECT " + select)).first())
        /// One read of `column`, the `kind`th of the eight `StoredColumns` offers.
        func read(_ columns: StoredColumns, _ column: String, _ kind: Int) -> String {
            switch kind % 8 {
            case 0: Self.columnOutcome { try columns.string(column) }
            case 1: Self.columnOutcome { try columns.int(column) }
            case 2: Self.columnOutcome { try columns.bool(column) }
            case 3: Self.columnOutcome { try columns.date(column) }
            case 4: Self.columnOutcome { try columns.optionalString(column) }
            case 5: Self.columnOutcome { try columns.optionalInt(column) }
            case 6: Self.columnOutcome { try columns.optionalBool(column) }
            default: Self.columnOutcome { try columns.optionalDate(column) }
            }
        }
        var generator = SystemRandomNumberGenerator()
        var orders = [
            names, names.reversed(), Array(names.prefix(5)) + ["absent"] + names.dropFirst(5), names + names, [names[3], names[3]] + names,
        ]
        for _ in 0..<20 { orders.append(names.shuffled(using: &generator)) }
        for order in orders {
            for kind in 0..<8 {
                let ordered = StoredColumns(row, inSelectOrder: true)
                let byName = StoredColumns(row)
                let reads = order.enumerated().map { read(ordered, $1, kind + $0) }
                #expect(reads == order.enumerated().map { read(byName, $1, kind + $0) }, "\(order)")
            }
        }
    }

    @Test("a stored row decodes the same through both rows, NULLs and values alike")
    func storedRows() async throws {
        let connection = try await Self.samplesTable()
        defer { Task { try? await connection.close() } }
        let reference = connection.sql()
        let full = Sample(
            text: "a \"quoted\" name", number: 42, flag: true, real: 2.5, at: Date(timeIntervalSince1970: 1_700_000_000.25),
            maybeText: "x", maybeNumber: 0, maybeFlag: false, maybeAt: Date(timeIntervalSince1970: 12))
        let sparse = Sample(text: "", number: -1, flag: false, real: 0, at: Date(timeIntervalSince1970: 0))
        try await Self.insert([full, sparse], into: reference)
        let viaSQLiteKit = try await Sample.select(on: reference).orderBy("id").all(Sample.self)
        let viaNovaKit = try await Sample.select(on: SQLiteSQLConnection(connection: connection)).orderBy("id").all(Sample.self)
        #expect(viaSQLiteKit == [full, sparse])
        #expect(viaNovaKit == viaSQLiteKit)
    }

    @Test("a read decodes every row in the order selected, and fails as a whole when one row cannot be decoded")
    func rowsAsTheyArrive() async throws {
        let connection = try await Self.samplesTable()
        defer { Task { try? await connection.close() } }
        let reference = connection.sql()
        let samples = (0..<300).map { index in
            Sample(
                text: "row \(index)", number: index, flag: index % 2 == 0, real: Double(index) / 4, at: Date(timeIntervalSince1970: Double(index)),
                maybeText: index % 3 == 0 ? nil : "\(index)", maybeNumber: index % 5 == 0 ? nil : -index, maybeFlag: nil, maybeAt: nil)
        }
        try await Self.insert(samples, into: reference)
        for database in [reference, SQLiteSQLConnection(connection: connection)] as [any SQLDatabase] {
            #expect(try await Sample.select(on: database).orderBy("id").all(Sample.self) == samples)
            #expect(try await Sample.select(on: database).orderBy("id", .descending).limit(7).all(Sample.self) == samples.suffix(7).reversed())
        }
        try await reference.raw("UPDATE samples SET number = 'many' WHERE id = 150").run()
        for database in [reference, SQLiteSQLConnection(connection: connection)] as [any SQLDatabase] {
            await #expect(throws: DecodingError.self) { try await Sample.select(on: database).orderBy("id").all(Sample.self) }
            #expect(try await Sample.select(on: database).where("id", .lessThan, 150).orderBy("id").all(Sample.self) == Array(samples.prefix(149)))
        }
    }
}
