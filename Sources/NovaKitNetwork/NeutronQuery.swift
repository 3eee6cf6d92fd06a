import NovaKitCore
import NovaKitHTTP
import NovaKitStorage
import SQLKit

/// How one API field of a resource is stored: its column and how a filter's text becomes a value.
struct FieldColumn: Sendable {
    enum Kind: Sendable { case text, flag, number }
    let column: String
    let kind: Kind

    /// A filter or marker value as the column holds it; `nil` when it cannot be one (a bad boolean, say).
    func value(_ text: String) -> (any Encodable & Sendable)? {
        switch kind {
        case .text: return text
        case .number: return Int(text)
        case .flag:
            switch text.lowercased() {
            case "true", "1", "yes", "on": return true
            case "false", "0", "no", "off": return false
            default: return nil
            }
        }
    }
}

/// A Neutron list request: filters (a repeated key means any of its values), `fields` selection, sort keys,
/// `limit` and `marker` — all but the selection pushed into SQL.
public struct NeutronQuery: Sendable {
    public var filters: [(field: String, values: [String])] = []
    public var fields: [String] = []
    public var sort: [(field: String, ascending: Bool)] = []
    public var limit: Int?
    public var marker: String?

    public init() {}

    /// Reads the query string; a bad `limit` or mismatched `sort_key`/`sort_dir` is a 400, as in Neutron.
    public init(_ parameters: [(String, String)]) throws {
        var grouped: [String: [String]] = [:]
        var order: [String] = []
        for (key, value) in parameters {
            if grouped[key] == nil { order.append(key) }
            grouped[key, default: []].append(value)
        }
        fields = (grouped["fields"] ?? []).flatMap { $0.split(separator: ",").map(String.init) }
        if let text = grouped["limit"]?.last {
            guard let value = Int(text), value >= 0 else {
                throw NeutronError.badRequest("Bad limit request: Limit must be an integer 0 or greater and not '\(text)'.")
            }
            limit = value == 0 ? nil : value
        }
        marker = grouped["marker"]?.last
        let keys = grouped["sort_key"] ?? []
        let directions = grouped["sort_dir"] ?? []
        guard directions.isEmpty || directions.count == keys.count else {
            throw NeutronError.badRequest("The number of sort_keys and sort_dirs must be same")
        }
        for (index, key) in keys.enumerated() {
            let direction = directions.isEmpty ? "asc" : directions[index]
            guard ["asc", "desc"].contains(direction) else {
                throw NeutronError.badRequest("\(direction) is invalid attribute for sort_dirs")
            }
            sort.append((key, direction == "asc"))
        }
        let control: Set<String> = ["fields", "limit", "marker", "sort_key", "sort_dir", "page_reverse"]
        filters = order.filter { !control.contains($0) }.map { ($0, grouped[$0] ?? []) }
    }

    /// The values of filter `field`, if given.
    public func values(of field: String) -> [String]? {
        filters.first { $0.field == field }?.values
    }

    /// `view` cut down to the requested `fields` (all of it when none are named).
    func select(_ view: JSON) -> JSON {
        guard !fields.isEmpty, case .object(let all) = view else { return view }
        return .object(all.filter { fields.contains($0.key) })
    }
}

/// Builds the SQL of a Neutron list over one table: visibility, filters on known fields, keyset paging and order.
struct ListSQL: Sendable {
    let table: String
    let fields: [String: FieldColumn]
    /// What a caller may see of the table (`nil`: everything, as for admins).
    let visible: @Sendable (AuthContext) -> (any SQLExpression)?

    /// A page of the live rows `auth` may see, as `query` asks (plus `extra` conditions).
    func rows<Row: StoredRow>(
        _: Row.Type, _ query: NeutronQuery, _ auth: AuthContext, extra: [any SQLExpression] = [], in database: Database
    ) async throws -> [Row] {
        let predicates = predicates(query) + extra + [visible(auth)].compactMap { $0 }
        let order = try order(query)
        let (table, marker) = (table, query.marker)
        return try await database.read { sql in
            var select = Row.select(on: sql)
            for predicate in predicates { select = select.where(predicate) }
            if let marker { select = select.where(Self.after(marker: marker, order, table: table)) }
            for key in order { select = select.orderBy(SQLColumn(key.column, table: table), key.ascending ? SQLDirection.ascending : .descending) }
            return try await select.limit(query.limit).all(Row.self)
        }
    }

    /// The live row `uuid`, if `auth` may see it.
    func row<Row: StoredRow>(_: Row.Type, _ uuid: String, _ auth: AuthContext, in database: Database) async throws -> Row? {
        let visible = visible(auth)
        return try await database.read { sql in
            var select = Row.select(on: sql).where("uuid", .equal, SQLBind(uuid))
            if let visible { select = select.where(visible) }
            return try await select.first(Row.self)
        }
    }

    /// The filter predicates: each known field's values as `column IN (…)`; a value that cannot be the
    /// field's type matches nothing. Unknown fields are left to the caller (`extra`).
    func predicates(_ query: NeutronQuery) -> [any SQLExpression] {
        query.filters.compactMap { filter -> (any SQLExpression)? in
            let key = filter.field == "tenant_id" ? "project_id" : filter.field
            guard let field = fields[key] else { return nil }
            let values = filter.values.compactMap(field.value)
            guard !values.isEmpty else { return SQLRaw("1 = 0") }
            return SQLBinaryExpression(SQLColumn(field.column, table: table), .in, SQLGroupExpression(values.map { SQLBind($0) }))
        }
    }

    /// The order: the requested sort keys (unknown ones are a 400), then the row id.
    func order(_ query: NeutronQuery) throws -> [(column: String, ascending: Bool)] {
        var order: [(column: String, ascending: Bool)] = []
        for (key, ascending) in query.sort {
            guard let field = fields[key == "tenant_id" ? "project_id" : key] else {
                throw NeutronError.badRequest("\(key) is invalid attribute for sort_keys")
            }
            order.append((field.column, ascending))
        }
        order.append(("id", order.first?.ascending ?? true))
        return order
    }

    /// Rows after the marker row in `order`: `(k1 > m1) OR (k1 = m1 AND k2 > m2) …`, each `m` read from the
    /// marker row by a sub-select, so the values keep their column types.
    static func after(marker: String, _ order: [(column: String, ascending: Bool)], table: String) -> any SQLExpression {
        let value = { (column: String) -> any SQLExpression in
            SQLQueryString("(SELECT \(ident: column) FROM \(ident: table) WHERE uuid = \(bind: marker) AND deleted = 0)")
        }
        var alternatives: [any SQLExpression] = []
        for (index, key) in order.enumerated() {
            var terms: [any SQLExpression] = order.prefix(index).map { earlier in
                SQLBinaryExpression(SQLColumn(earlier.column, table: table), .equal, value(earlier.column))
            }
            terms.append(SQLBinaryExpression(SQLColumn(key.column, table: table), key.ascending ? .greaterThan : .lessThan, value(key.column)))
            alternatives.append(all(terms))
        }
        return any(alternatives)
    }

    static func all(_ terms: [any SQLExpression]) -> any SQLExpression {
        SQLGroupExpression(terms.dropFirst().reduce(terms[0]) { SQLBinaryExpression($0, .and, $1) })
    }

    static func any(_ terms: [any SQLExpression]) -> any SQLExpression {
        SQLGroupExpression(terms.dropFirst().reduce(terms[0]) { SQLBinaryExpression($0, .or, $1) })
    }
}
