import NovaKitStorage
import SQLKit

/// A server as `GET /servers` shows it: its id and name.
struct ServerSummary: Sendable, Equatable {
    var id: String
    var name: String
}

/// The columns of `instances` a summary page reads (the row id for keyset paging).
struct ServerSummaryRow: StoredRow {
    static let table = "instances"
    static let columns = CodingKeys.allCases.map(\.rawValue)

    var rowID: Int
    var id: String
    var name: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case rowID = "id", id = "uuid", name = "display_name"
    }

    /// Its three columns read directly: a summary page decodes a hundred of these, and going through a
    /// `Decoder` (a container per row, a generic cast per column) was a seventh of the request's CPU.
    init(row: any SQLRow) throws {
        let columns = StoredColumns(row)
        rowID = try columns.int(CodingKeys.rowID.rawValue)
        id = try columns.string(CodingKeys.id.rawValue)
        name = try columns.string(CodingKeys.name.rawValue)
    }
}
