import NovaKitStorage

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
}
