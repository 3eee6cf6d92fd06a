import Foundation
import NovaKitCompute
import NovaKitCore
import NovaKitStorage
import SQLKit

extension ServerStore {
    /// One page of `query`: filters, order and the marker run in SQL (keyset paging from the marker's own
    /// sort values, never an offset); regular-expression filters are checked here on bounded batches until
    /// the page is full. With `details`, metadata, tags and faults come in one statement for the whole page.
    func list(_ query: ServerQuery, details: Bool = true) async throws -> [Server] {
        let matches = query.swiftFilter()
        let page = try await self.page(query, InstanceRow.self, rowID: { $0.id }) { row in
            let server = Server(row)
            return matches(server) ? server : nil
        }
        return details ? try await withDetails(consume page) : page
    }

    /// One page of `query` as `GET /servers` shows it: only the id and name are read, unless a regular
    /// expression needs whole rows.
    func summaries(_ query: ServerQuery) async throws -> [ServerSummary] {
        if query.hasSwiftFilters { return try await list(query, details: false).map { ServerSummary(id: $0.id, name: $0.name) } }
        return try await page(query, ServerSummaryRow.self, rowID: { $0.rowID }) { ServerSummary(id: $0.id, name: $0.name) }
    }

    /// The rows of one page, read in batches of `Row` until `limit` of them make an item. Each row is made
    /// into its item as it arrives (`item` consumes it); a batch that is the whole page becomes the page as it is.
    private func page<Row: StoredRow, Item: Sendable>(
        _ query: ServerQuery, _: Row.Type, rowID: @escaping @Sendable (borrowing Row) -> Int,
        item: @escaping @Sendable (consuming Row) -> Item?
    ) async throws -> [Item] {
        guard query.limit > 0 else { return [] }
        let engine = database.kind
        let terms = Self.orderTerms(query, engine)
        let filters = Self.conditions(query, engine)
        let batchSize = query.hasSwiftFilters ? max(query.limit, 200) : query.limit
        return try await database.read { sql in
            var after = try await Self.markerRowID(query, sql)
            var page: [Item] = []
            while true {
                var select = Row.select(on: sql, readDeleted: .yes)
                for condition in filters { select = select.where(condition) }
                if let after { select = select.where(Self.keyset(after: after, terms)) }
                for term in terms { select = select.orderBy(SQLRaw(term.expression + (term.descending ? " DESC" : " ASC"))) }
                let batch = PageBatch<Item>()
                try await select.limit(batchSize).forEach(Row.self) { row in
                    batch.read(rowID: rowID(row), item: item(row))
                }
                if page.isEmpty, batch.items.count <= query.limit {
                    page = batch.items
                } else {
                    page.append(contentsOf: batch.items.prefix(query.limit - page.count))
                }
                guard page.count < query.limit, batch.rows == batchSize, let last = batch.lastRowID else { return page }
                after = last
            }
        }
    }

    /// The marker's row among the servers the query may list (its project; deleted ones when it reads them);
    /// 400 as Nova when it is not one of them.
    private static func markerRowID(_ query: ServerQuery, _ sql: any SQLDatabase) async throws -> Int? {
        guard let marker = query.marker else { return nil }
        let scope: [(String, any Encodable & Sendable)] = query.project.map { [("project_id", $0)] } ?? []
        return try await sql.markerRowID(marker, in: "instances", column: "uuid", scope: scope, readDeleted: query.deleted == .no ? .no : .yes)
    }

    /// The ORDER BY terms: the sort keys that order anything, then the row id in the last direction.
    static func orderTerms(_ query: ServerQuery, _ engine: DatabaseKind) -> [(expression: String, descending: Bool)] {
        query.order.compactMap { order in order.key.expression(for: engine).map { ($0, order.descending) } }
            + [("id", query.tieBreakDescending)]
    }

    /// Rows strictly after row `id` in the order of `terms`, compared on the marker row's own values: one
    /// row-value comparison when every term runs the same way (an index range), else the expanded form.
    static func keyset(after id: Int, _ terms: [(expression: String, descending: Bool)]) -> any SQLExpression {
        let markerValue = { (expression: String) in
            SQLQueryString("(SELECT \(unsafeRaw: expression) FROM instances AS marker WHERE marker.id = \(bind: id))")
        }
        if Set(terms.map(\.descending)).count == 1 {
            let expressions = terms.map(\.expression).joined(separator: ", ")
            return SQLQueryString("(\(unsafeRaw: expressions)) \(unsafeRaw: terms[0].descending ? "<" : ">") \(markerValue(expressions))")
        }
        let alternatives: [any SQLExpression] = terms.indices.map { index in
            let equalBefore: [any SQLExpression] = terms[..<index].map {
                SQLQueryString("\(unsafeRaw: $0.expression) = \(markerValue($0.expression))")
            }
            let term = terms[index]
            let beyond = SQLQueryString("\(unsafeRaw: term.expression) \(unsafeRaw: term.descending ? "<" : ">") \(markerValue(term.expression))")
            return SQLFilter.all(equalBefore + [beyond])
        }
        return SQLFilter.any(alternatives)
    }

    /// Every filter of `query` SQL can check.
    static func conditions(_ query: ServerQuery, _ engine: DatabaseKind) -> [any SQLExpression] {
        var conditions: [any SQLExpression] = []
        switch query.deleted {
        case .no: conditions.append(SQLRaw("deleted = 0"))
        case .only: conditions.append(SQLRaw("deleted <> 0"))
        case .yes: break
        }
        if let project = query.project { conditions.append(SQLQueryString("project_id = \(bind: project)")) }
        if let since = query.changesSince { conditions.append(SQLQueryString("COALESCE(updated_at, created_at) >= \(bind: since)")) }
        if let before = query.changesBefore { conditions.append(SQLQueryString("COALESCE(updated_at, created_at) <= \(bind: before)")) }
        if let statuses = query.statuses { conditions.append(status(in: statuses)) }
        if let flavor = query.flavor {
            let key = ServerSortKey.all["instance_type_id"]!.expression(for: engine)!
            conditions.append(SQLQueryString("\(unsafeRaw: key) = \(bind: flavor)"))
        }
        if let image = query.image { conditions.append(SQLQueryString("COALESCE(image_ref, '') = \(bind: image)")) }
        if let host = query.host { conditions.append(SQLQueryString("host = \(bind: host)")) }
        if let reservation = query.reservationID { conditions.append(SQLQueryString("COALESCE(reservation_id, '') = \(bind: reservation)")) }
        if let key = query.keyName { conditions.append(SQLQueryString("key_name = \(bind: key)")) }
        if let user = query.userID { conditions.append(SQLQueryString("user_id = \(bind: user)")) }
        if let locked = query.locked { conditions.append(SQLQueryString("locked = \(bind: locked)")) }
        conditions += tagConditions(query.tags)
        return conditions
    }

    /// Servers whose API status is one of `statuses`: the (vm_state, task_state) pairs that show it, and
    /// soft-deleted rows for DELETED.
    static func status(in statuses: Set<String>) -> any SQLExpression {
        var alternatives: [any SQLExpression] = []
        for vm in VMState.allCases {
            let tasks: [TaskState?] = [nil] + TaskState.allCases.map(Optional.some)
            let showing = tasks.filter { statuses.contains(InstanceState(vm, task: $0, power: .running).status) }
            guard !showing.isEmpty else { continue }
            let vmMatches = SQLQueryString("vm_state = \(bind: vm.rawValue)")
            if showing.count == tasks.count {
                alternatives.append(vmMatches)
                continue
            }
            var taskMatches: [any SQLExpression] = []
            let named = showing.compactMap { $0?.rawValue }
            if !named.isEmpty { taskMatches.append(SQLQueryString("task_state IN \(SQLBind.group(named))")) }
            if showing.contains(nil) { taskMatches.append(SQLRaw("task_state IS NULL")) }
            alternatives.append(SQLFilter.all([vmMatches, SQLFilter.any(taskMatches)]))
        }
        var shown: [any SQLExpression] = [SQLFilter.all([SQLRaw("deleted = 0"), SQLFilter.any(alternatives)])]
        if statuses.contains("DELETED") { shown.append(SQLRaw("deleted <> 0")) }
        return SQLFilter.any(shown)
    }

    /// 2.26's tag filters as `EXISTS` sub-queries on the instance's live tags.
    static func tagConditions(_ tags: ServerQuery.TagFilter) -> [any SQLExpression] {
        let tagged = { (names: Set<String>) in
            SQLQueryString(
                "EXISTS (SELECT 1 FROM instance_tags WHERE instance_tags.instance_uuid = instances.uuid AND instance_tags.deleted = 0 AND instance_tags.tag IN \(SQLBind.group(names.sorted())))"
            )
        }
        var conditions: [any SQLExpression] = []
        if let all = tags.all { conditions += all.sorted().map { tagged([$0]) } }
        if let any = tags.any { conditions.append(any.isEmpty ? SQLFilter.never : tagged(any)) }
        if let notAll = tags.notAll {
            conditions.append(notAll.isEmpty ? SQLFilter.never : SQLQueryString("NOT \(SQLFilter.all(notAll.sorted().map { tagged([$0]) }))"))
        }
        if let notAny = tags.notAny, !notAny.isEmpty { conditions.append(SQLQueryString("NOT \(tagged(notAny))")) }
        return conditions
    }
}

/// Conjunctions and disjunctions of SQL conditions, parenthesised.
enum SQLFilter {
    static let never: any SQLExpression = SQLRaw("1 = 0")
    static let always: any SQLExpression = SQLRaw("1 = 1")

    static func all(_ parts: [any SQLExpression]) -> any SQLExpression {
        parts.isEmpty ? always : SQLGroupExpression(SQLList(parts, separator: SQLRaw(" AND ")))
    }

    static func any(_ parts: [any SQLExpression]) -> any SQLExpression {
        parts.isEmpty ? never : SQLGroupExpression(SQLList(parts, separator: SQLRaw(" OR ")))
    }
}

/// One batch of a page as its rows arrive: the items they made, how many rows came, the last one's id. Filled
/// by one read, which hands it its rows one at a time and completes after the last.
private final class PageBatch<Item>: @unchecked Sendable {
    var items: [Item] = []
    var rows = 0
    var lastRowID: Int?

    func read(rowID: Int, item: Item?) {
        rows += 1
        lastRowID = rowID
        if let item { items.append(item) }
    }
}
