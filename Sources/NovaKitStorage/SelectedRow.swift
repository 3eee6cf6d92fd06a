public import SQLKit

/// A type that one selected row decodes into by itself: a table's `StoredRow`, or the row of a statement that
/// reads several tables at once (a `UNION ALL`), which has no table or `Codable` form of its own.
public protocol SelectedRow: Sendable {
    /// Decodes one selected row.
    init(row: any SQLRow) throws
}

extension SQLQueryFetcher {
    /// Every row the query returns, as `Row`: each decoded as it arrives, on the database's thread, rather than
    /// all of them gathered as `any SQLRow` first and decoded in a second pass.
    @inlinable
    public func all<Row: SelectedRow>(_: Row.Type) async throws -> [Row] {
        nonisolated(unsafe) var rows: [Row] = []
        try await forEach(Row.self) { rows.append($0) }
        return rows
    }

    /// Hands `body` every row the query returns, decoded as `Row`, in order, as each arrives (on the database's
    /// thread); a row that cannot be decoded fails the read, and `body` sees no row after it. Inlinable, so the
    /// decoding is specialized for `Row` where it is called. Rows arrive one at a time and the read completes
    /// after the last, which is what SQLKit's own `all()` relies on for its array as well.
    @inlinable
    public func forEach<Row: SelectedRow>(_: Row.Type, _ body: @escaping @Sendable (consuming Row) -> Void) async throws {
        nonisolated(unsafe) var failure: (any Error)?
        try await run { row in
            guard failure == nil else { return }
            do { body(try Row(row: row)) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// The first row the query returns, as `Row`.
    public func first<Row: SelectedRow>(_: Row.Type) async throws -> Row? {
        try await first().map { try Row(row: $0) }
    }
}
