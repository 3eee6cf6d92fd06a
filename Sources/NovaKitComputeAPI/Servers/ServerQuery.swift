import Foundation
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitHTTP
import NovaKitStorage

/// What a servers list asks for, read from the request once: whose servers, which of them, in which order
/// and which page. The store turns it into one SQL query per page.
struct ServerQuery: Sendable {
    /// One `sort_key`/`sort_dir` pair.
    struct Order: Sendable {
        var key: ServerSortKey
        var descending: Bool
    }

    /// Tag filters (2.26): each a set of tags a server must have all / any / not all / none of.
    struct TagFilter: Sendable {
        var all: Set<String>?
        var any: Set<String>?
        var notAll: Set<String>?
        var notAny: Set<String>?
    }

    /// The project whose servers are listed; `nil` for every project (admin `all_tenants`).
    var project: String?
    /// Live servers only, also soft-deleted ones (changes-since/-before), or only deleted ones (admin `deleted`).
    var deleted: ReadDeleted = .no
    var changesSince: Date?
    var changesBefore: Date?
    /// `name` and `ip`/`ip6`: regular expressions, matched in Swift on the rows SQL returns.
    var namePattern: String?
    var ipPattern: String?
    var statuses: Set<String>?
    var flavor: String?
    var image: String?
    var host: String?
    var reservationID: String?
    var keyName: String?
    var userID: String?
    var locked: Bool?
    var tags = TagFilter()
    /// The sort keys asked for (constant keys included); the store adds the row id last.
    var order: [Order] = [Order(key: .createdAt, descending: true)]
    var limit = 1000
    var marker: String?

    /// Whether rows must be checked in Swift after SQL (regular-expression filters).
    var hasSwiftFilters: Bool { namePattern != nil || ipPattern != nil }

    /// The direction the row id breaks ties in: the last direction given, as Nova does.
    var tieBreakDescending: Bool { order.last?.descending ?? true }
}

extension ServerQuery {
    /// Reads the list parameters of `request` with Nova's validation and faults. `isAdminFilterer` unlocks
    /// the admin-only filters (`host`, `project_id`, `deleted`, `ip6` before 2.5).
    init(_ request: APIRequest, isAdminFilterer: Bool, allTenants: Bool) throws {
        project = allTenants ? nil : request.auth.projectID
        // As Nova (lp:#1185290): without `all_tenants` the caller's own project is listed, whatever it names.
        if allTenants, isAdminFilterer, let asked = request.queryValue("project_id") ?? request.queryValue("tenant_id") { project = asked }
        changesSince = try ServerListing.date("changes-since", request)
        changesBefore = try ServerListing.date("changes-before", request)
        if let since = changesSince, let before = changesBefore, before < since {
            throw Fault.badRequest("The value of changes-since must be less than or equal to changes-before.")
        }
        if isAdminFilterer, try request.queryBool("deleted") ?? false {
            deleted = .only
        } else if changesSince != nil || changesBefore != nil {
            deleted = .yes
        }
        if let name = request.queryValue("name") { namePattern = try Self.checkedPattern(name, "name") }
        if let ip = request.queryValue("ip") ?? (isAdminFilterer || request.version >= APIVersion(2, 5) ? request.queryValue("ip6") : nil) {
            ipPattern = try Self.checkedPattern(ip, "ip")
        }
        if let asked = request.query["status"], !asked.isEmpty {
            let wanted = Set(asked.map { $0.uppercased() })
            if request.version >= APIVersion(2, 38), let bad = wanted.subtracting(ServerListing.statuses).sorted().first {
                throw Fault.badRequest("Invalid status value: \(bad)")
            }
            statuses = wanted
        }
        flavor = request.queryValue("flavor")
        image = request.queryValue("image").map(Identifier.lastSegment(of:))
        if isAdminFilterer { host = request.queryValue("host") }
        reservationID = request.queryValue("reservation_id")
        keyName = request.queryValue("key_name")
        userID = request.queryValue("user_id")
        if request.version >= APIVersion(2, 73) { locked = try request.queryBool("locked") }
        if request.version >= APIVersion(2, 26) {
            let split = { (name: String) in request.queryValue(name).map { Set($0.split(separator: ",").map(String.init)) } }
            tags = TagFilter(all: split("tags"), any: split("tags-any"), notAll: split("not-tags"), notAny: split("not-tags-any"))
        }
        order = try Self.order(request)
        (limit, marker) = try request.pagination()
    }

    /// The `sort_key`/`sort_dir` pairs; `created_at desc` when none is given.
    private static func order(_ request: APIRequest) throws -> [Order] {
        let keys = request.query["sort_key"] ?? []
        let dirs = request.query["sort_dir"] ?? []
        var order: [Order] = []
        for (index, name) in keys.enumerated() {
            // Unknown sort keys are refused from 2.75 and ignored before, as Nova does.
            guard let key = ServerSortKey.all[name] else {
                if request.version >= APIVersion(2, 75) { throw Fault.badRequest("Invalid input for query parameters sort_key. Value: \(name).") }
                continue
            }
            let dir = index < dirs.count ? dirs[index] : (dirs.last ?? "desc")
            guard dir == "asc" || dir == "desc" else { throw Fault.badRequest("Invalid input for query parameters sort_dir. Value: \(dir).") }
            order.append(Order(key: key, descending: dir == "desc"))
        }
        return order.isEmpty ? [Order(key: .createdAt, descending: true)] : order
    }

    private static func checkedPattern(_ text: String, _ name: String) throws -> String {
        guard (try? NSRegularExpression(pattern: text)) != nil else {
            throw Fault.badRequest("Invalid input for query parameters \(name). Value: \(text). '\(text)' is not a valid regular expression")
        }
        return text
    }

    /// The regular-expression filters, compiled once per list.
    func swiftFilter() -> @Sendable (Server) -> Bool {
        let name = namePattern.flatMap { try? NSRegularExpression(pattern: $0) }
        let ip = ipPattern.flatMap { try? NSRegularExpression(pattern: $0) }
        let box = RegexBox(name: name, ip: ip)
        return { server in box.matches(server) }
    }
}

/// Compiled patterns; NSRegularExpression is immutable once built, so sharing it between tasks is safe.
private struct RegexBox: @unchecked Sendable {
    let name: NSRegularExpression?
    let ip: NSRegularExpression?

    func matches(_ server: Server) -> Bool {
        if let name, !Self.found(name, in: server.name) { return false }
        if let ip, !server.addresses.contains(where: { Self.found(ip, in: $0.address) }) { return false }
        return true
    }

    static func found(_ pattern: NSRegularExpression, in text: String) -> Bool {
        pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
