import NovaKitCore
import NovaKitStorage
import SQLKit

extension SQLDatabase {
    /// The row id a list's `marker` names: the newest row of `table` whose `column` is `marker` and whose
    /// other columns match `scope`, among the rows `readDeleted` lets the list see. 400 as Nova when there is
    /// none; keyset paging then continues from that id.
    func markerRowID(
        _ marker: String, in table: String, column: String, scope: [(String, any Encodable & Sendable)] = [], readDeleted: ReadDeleted = .yes
    ) async throws -> Int {
        var select = self.select().column("id").from(table).where(SQLColumn(column), .equal, SQLBind(marker)).readDeleted(readDeleted)
        for (name, value) in scope { select = select.where(SQLColumn(name), .equal, SQLBind(value)) }
        guard let row = try await select.orderBy("id", .descending).first() else { throw Fault.badRequest("marker [\(marker)] not found") }
        return try row.decode(column: "id", as: Int.self)
    }
}
