import Foundation
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Testing

/// `SQLValueList` (one bound parameter for a whole `IN` list) selects exactly the rows a plain `IN (?, ?, …)`
/// selects, for texts JSON and SQL must carry intact, and reads through the column's index.
@Suite("Value lists")
struct ValueListTests {
    static let names = [
        "plain", "with 'single' quotes", "with \"double\" quotes", "back\\slash", "new\nline", "tab\there", "é and 雪", "emoji 🚀", "12", "1.5",
        "null", "", " ", "%", "_", "[1, 2]", "{\"a\": 1}", "\u{1}", "x'00'", "uuid-like 1b1d0a8c-6a6a-4a4e-9d9c-2f5b0a3e6c11",
    ]

    @Test("selects the same rows as a placeholder per value, for every subset tried", arguments: TestDatabases.engines)
    func sameRows(url: DatabaseURL) async throws {
        try await TestDatabases.with(url) { (database, suffix) async throws in
            let table = "vl_\(suffix)"
            try await database.withConnection { sql in
                try await sql.create(table: table).column("id", type: .int, .primaryKey(autoIncrement: false)).column("name", type: .text).run()
                try await sql.raw("CREATE INDEX \(unsafeRaw: table)_name ON \(unsafeRaw: table) (name)").run()
                for (id, name) in Self.names.enumerated() {
                    try await sql.insert(into: table).columns("id", "name").values(SQLBind(id), SQLBind(name)).run()
                }
            }
            var generator = SystemRandomNumberGenerator()
            var subsets: [[String]] = [[], [Self.names[0]], Self.names, Self.names + Self.names, ["absent", "also absent"], ["PLAIN"]]
            for _ in 0..<40 {
                subsets.append(Self.names.filter { _ in Bool.random(using: &generator) } + (Bool.random(using: &generator) ? ["absent"] : []))
            }
            for subset in subsets {
                let (listed, placeholders) = try await database.withConnection { sql in
                    let listed = try await sql.select().column("id").from(table).where(SQLValueList("name", in: subset)).orderBy("id").all()
                        .map { try $0.decode(column: "id", as: Int.self) }
                    let placeholders =
                        subset.isEmpty
                        ? []
                        : try await sql.select().column("id").from(table).where("name", .in, SQLBind.group(subset)).orderBy("id").all()
                            .map { try $0.decode(column: "id", as: Int.self) }
                    return (listed, placeholders)
                }
                let expected = Self.names.indices.filter { subset.contains(Self.names[$0]) }
                #expect(listed == expected, "\(subset)")
                #expect(placeholders == expected, "\(subset)")
            }
        }
    }

    @Test("on SQLite the list is one parameter and the column's index is searched")
    func sqlitePlan() async throws {
        try await TestDatabases.with(.sqliteMemory) { (database, suffix) async throws in
            let table = "vp_\(suffix)"
            let plan = try await database.withConnection { sql in
                try await sql.create(table: table).column("id", type: .int, .primaryKey(autoIncrement: false)).column("name", type: .text).run()
                try await sql.raw("CREATE INDEX \(unsafeRaw: table)_name ON \(unsafeRaw: table) (name)").run()
                let select = sql.select().column("id").from(table).where(SQLValueList("name", in: ["a", "b", "c"]))
                let (text, binds) = sql.serialize(select.select)
                #expect(binds.count == 1)
                #expect(text.hasSuffix("\"name\" IN (SELECT value FROM json_each(?1))"))
                let (single, singleBinds) = sql.serialize(sql.select().column("id").from(table).where(SQLValueList("name", in: ["a"])).select)
                #expect(single.hasSuffix("\"name\" = ?1") && singleBinds.count == 1, "\(single)")
                return try await sql.raw(SQLQueryString("EXPLAIN QUERY PLAN \(unsafeRaw: text)")).all()
                    .map { try $0.decode(column: "detail", as: String.self) }
            }
            #expect(plan.contains { $0.hasPrefix("SEARCH \(table) USING") && $0.contains("INDEX \(table)_name (name=?)") }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN \(table)") }, "\(plan)")
        }
    }
}
