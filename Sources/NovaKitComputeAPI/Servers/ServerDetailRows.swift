import Foundation
import NovaKitStorage
import SQLKit

/// One metadata item of a server, as a detail page reads those of its whole page.
struct InstanceMetadataRow: StoredRow {
    static let table = "instance_metadata"
    static let columns = CodingKeys.allCases.map(\.rawValue)

    var instance: String
    var key: String
    var value: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case instance = "instance_uuid", key, value
    }

    /// Its three columns read directly, in select order, as `InstanceRow` reads its own: `decode(column:)` through
    /// `any SQLRow` (a generic decode and a dynamic cast per value) was 2.4 % of a detail page whose servers showed
    /// faults, in a profile.
    init(row: any SQLRow) throws {
        let columns = StoredColumns(row, inSelectOrder: true)
        instance = try columns.string(CodingKeys.instance.rawValue)
        key = try columns.string(CodingKeys.key.rawValue)
        value = try columns.string(CodingKeys.value.rawValue)
    }
}

/// One tag of a server, as a detail page reads those of its whole page.
struct InstanceTagRow: StoredRow {
    static let table = "instance_tags"
    static let columns = CodingKeys.allCases.map(\.rawValue)

    var instance: String
    var tag: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case instance = "instance_uuid", tag
    }

    /// Its two columns read directly, in select order (see `InstanceMetadataRow`).
    init(row: any SQLRow) throws {
        let columns = StoredColumns(row, inSelectOrder: true)
        instance = try columns.string(CodingKeys.instance.rawValue)
        tag = try columns.string(CodingKeys.tag.rawValue)
    }
}

/// One fault of a server, as a detail page reads those of its servers that show one (oldest first, so the latest
/// is kept).
struct InstanceFaultRow: StoredRow {
    static let table = "instance_faults"
    static let columns = CodingKeys.allCases.map(\.rawValue)

    var instance: String
    var code: Int
    var message: String
    var details: String?
    var created: Date

    enum CodingKeys: String, CodingKey, CaseIterable {
        case instance = "instance_uuid", code, message, details, created = "created_at"
    }

    /// Its five columns read directly, in select order (see `InstanceMetadataRow`).
    init(row: any SQLRow) throws {
        let columns = StoredColumns(row, inSelectOrder: true)
        instance = try columns.string(CodingKeys.instance.rawValue)
        code = try columns.int(CodingKeys.code.rawValue)
        message = try columns.string(CodingKeys.message.rawValue)
        details = try columns.optionalString(CodingKeys.details.rawValue)
        created = try columns.date(CodingKeys.created.rawValue)
    }

    var fault: InstanceFault { InstanceFault(code: code, message: message, details: details, created: created) }
}
