import Foundation
import NovaKitStorage
import SQLKit

/// One row hanging off a server — a metadata item, a tag or a fault — as a detail page reads those of its whole
/// page: one `UNION ALL` statement over the three tables (`select(of:faultsOf:on:)`) rather than a statement per
/// table. Each statement costs its text, its preparation (SQLiteNIO prepares every statement anew) and a trip to
/// the database's thread and back whatever it returns; reading the three tables apart made two of the four
/// statements of a server's show and of a detail page's five (without them, a show served 1.38 times as many
/// requests and a detail page 1.18 times).
enum InstanceChildRow: SelectedRow, Equatable {
    case metadata(instance: String, key: String, value: String)
    case tag(instance: String, tag: String)
    /// A fault and its row id: a server shows its latest fault.
    case fault(instance: String, id: Int, InstanceFault)

    /// What the `kind` column says a row is.
    enum Kind: Int {
        case metadata = 0, tag = 1, fault = 2
    }

    /// The live metadata and tags of the servers `ids` and the live faults of the servers `faulted`, in no
    /// particular order. Columns: `kind`, `instance_uuid`, `label` (the key, the tag or the fault's message),
    /// `extra` (the value or the fault's details), then the fault's `code`, `created_at` and row id `seq`.
    ///
    /// The faults come first when there are any: PostgreSQL settles each column's type from the first branch that
    /// gives it one, and a column of only NULLs so far becomes text, which the faults' integer code and timestamp
    /// would then not match.
    static func select(of ids: [String], faultsOf faulted: [String], on sql: any SQLDatabase) -> SQLRawBuilder {
        let metadataAndTags: SQLQueryString = """
            SELECT \(literal: Kind.metadata.rawValue) AS "kind", "instance_uuid", "key" AS "label", "value" AS "extra", \
            NULL AS "code", NULL AS "created_at", 0 AS "seq" \
            FROM "instance_metadata" WHERE "deleted" = 0 AND \(SQLValueList("instance_uuid", in: ids)) \
            UNION ALL SELECT \(literal: Kind.tag.rawValue), "instance_uuid", "tag", NULL, NULL, NULL, 0 \
            FROM "instance_tags" WHERE "deleted" = 0 AND \(SQLValueList("instance_uuid", in: ids))
            """
        guard !faulted.isEmpty else { return sql.raw(metadataAndTags) }
        return sql.raw(
            """
            SELECT \(literal: Kind.fault.rawValue) AS "kind", "instance_uuid", "message" AS "label", "details" AS "extra", "code", \
            "created_at", "id" AS "seq" \
            FROM "instance_faults" WHERE "deleted" = 0 AND \(SQLValueList("instance_uuid", in: faulted)) \
            UNION ALL \(metadataAndTags)
            """)
    }

    /// Reads the columns a row of its kind has, in select order (as `InstanceRow` reads its own): `decode(column:)`
    /// through `any SQLRow` (a generic decode and a dynamic cast per value) was 2.4 % of a detail page whose
    /// servers showed faults, in a profile.
    init(row: any SQLRow) throws {
        let columns = StoredColumns(row, inSelectOrder: true)
        let kind = try columns.int("kind")
        let instance = try columns.string("instance_uuid")
        let label = try columns.string("label")
        switch Kind(rawValue: kind) {
        case .metadata: self = .metadata(instance: instance, key: label, value: try columns.string("extra"))
        case .tag: self = .tag(instance: instance, tag: label)
        case .fault:
            let details = try columns.optionalString("extra")
            let code = try columns.int("code")
            let created = try columns.date("created_at")
            self = .fault(
                instance: instance, id: try columns.int("seq"), InstanceFault(code: code, message: label, details: details, created: created))
        case nil:
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "no kind of server detail row is \(kind)"))
        }
    }
}
