import Foundation
import NovaKitCore
import NovaKitStorage
import SQLKit

/// Generic SQL for identity records: insert, find, filtered list, update, soft delete.
struct IdentityRepository<Record: IdentityRecord> {
    let sql: any SQLDatabase

    private static var table: String { Record.table }
    private var encoder: SQLQueryEncoder { SQLQueryEncoder(keyEncodingStrategy: .convertToSnakeCase, nilEncodingStrategy: .asNil) }
    private var decoder: SQLRowDecoder { SQLRowDecoder(keyDecodingStrategy: .convertFromSnakeCase) }

    func insert(_ record: Record, at now: Date) async throws {
        let pairs = try encoder.encode(record) + [("created_at", SQLBind(now)), ("deleted", SQLBind(0))]
        try await sql.insert(into: Self.table).columns(pairs.map(\.0)).values(pairs.map(\.1)).run()
    }

    func find(_ id: String) async throws -> Record? {
        try await sql.select().column("*").from(Self.table).where("id", .equal, SQLBind(id)).readDeleted(.no).first()?
            .decode(model: Record.self, with: decoder)
    }

    /// Live records whose columns equal the given values (all of them), oldest first.
    func list(_ filters: [String: String] = [:]) async throws -> [Record] {
        var query = sql.select().column("*").from(Self.table).readDeleted(.no)
        for (column, value) in filters.sorted(by: { $0.key < $1.key }) { query = query.where(SQLColumn(column), .equal, SQLBind(value)) }
        return try await query.orderBy("row_id").all().map { try $0.decode(model: Record.self, with: decoder) }
    }

    /// Replaces the record's fields; returns whether a live row matched.
    @discardableResult
    func update(_ record: Record, at now: Date) async throws -> Bool {
        var builder = sql.update(Self.table).set("updated_at", to: SQLBind(now))
        for (column, value) in try encoder.encode(record) where column != "id" { builder = builder.set(SQLColumn(column), to: value) }
        return try await !builder.where("id", .equal, SQLBind(record.id)).readDeleted(.no).returning("row_id").all().isEmpty
    }

    /// Soft-deletes the live rows whose `column` equals `value`.
    @discardableResult
    func delete(where column: String = "id", equals value: String, at now: Date) async throws -> Int {
        try await sql.softDelete(from: Self.table, where: column, equals: value, rowIDColumn: "row_id", at: now)
    }
}
