import NovaKitStorage
import NovaKitTesting
import SQLKit
import Testing

/// `SQLName` writes exactly what `SQLIdentifier` (and `SQLColumn` for a qualified name) writes, on every engine,
/// for plain names and for names that need their quotes doubled.
@Suite("SQL names")
struct SQLNameTests {
    static let names = ["id", "instance_uuid", "created_at", "p", "v2", "Mixed", "with space", "quo\"te", "two\"\"quotes", "é", "", "a.b", "x-y"]

    @Test("each name, bare or qualified, is quoted as SQLKit quotes it", arguments: TestDatabases.engines)
    func sameAsSQLKit(url: DatabaseURL) async throws {
        try await TestDatabases.with(url) { (database, _) async throws in
            try await database.withConnection { sql in
                for name in Self.names {
                    #expect(sql.serialize(SQLName(name)).sql == sql.serialize(SQLIdentifier(name)).sql, "\(name)")
                    for table in ["t", "odd\"table"] {
                        #expect(
                            sql.serialize(SQLName(name, table: table)).sql == sql.serialize(SQLColumn(name, table: table)).sql, "\(table).\(name)")
                    }
                }
                // And a statement built with them runs: a quote inside a name is doubled, not the end of it.
                try await sql.raw("CREATE TABLE \(SQLName("odd\"name")) (\(SQLName("quo\"te")) INTEGER)").run()
                try await sql.insert(into: SQLName("odd\"name")).columns(SQLName("quo\"te")).values(SQLBind(7)).run()
                let row = try await sql.select().column(SQLName("quo\"te")).from(SQLName("odd\"name")).first()
                #expect(try row?.decode(column: "quo\"te", as: Int.self) == 7)
                try await sql.raw("DROP TABLE \(SQLName("odd\"name"))").run()
            }
        }
    }
}
