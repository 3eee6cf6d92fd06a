import Foundation
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitHTTP
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// `GET /servers` and `/servers/detail`: Nova's filters, sort keys and paging over the visible instances.
enum ServerListing {
    static let sortKeys: [String: @Sendable (Server) -> String] = [
        "created_at": { Timestamp.naive($0.createdAt) }, "updated_at": { Timestamp.naive($0.updatedAt ?? $0.createdAt) },
        "display_name": \.name, "uuid": \.id, "vm_state": { $0.state.vm.rawValue }, "task_state": { $0.state.task?.rawValue ?? "" },
        "power_state": { String($0.state.power.rawValue) }, "launched_at": { $0.launchedAt.map(Timestamp.naive) ?? "" },
        "terminated_at": { $0.terminatedAt.map(Timestamp.naive) ?? "" }, "host": { $0.host ?? "" }, "node": { $0.host ?? "" },
        "project_id": \.projectID, "user_id": \.userID, "key_name": { $0.keyName ?? "" }, "locked": { $0.locked ? "1" : "0" },
        "hostname": { $0.hostname ?? "" }, "image_ref": { $0.imageRef ?? "" }, "availability_zone": { $0.availabilityZone ?? "" },
        "display_description": { $0.description ?? "" }, "instance_type_id": { $0.flavor.id }, "access_ip_v4": \.accessIPv4,
        "access_ip_v6": \.accessIPv6, "config_drive": { _ in "" }, "kernel_id": { _ in "" }, "ramdisk_id": { _ in "" },
        "root_device_name": { _ in "" }, "launch_index": { String(format: "%010d", $0.launchIndex) }, "progress": { _ in "" },
    ]

    /// Every query parameter Nova's list schema knows (2.75 refuses the others).
    static let knownParameters: Set<String> = [
        "limit", "marker", "sort_key", "sort_dir", "name", "status", "image", "flavor", "ip", "ip6", "changes-since", "changes-before",
        "reservation_id", "tags", "tags-any", "not-tags", "not-tags-any", "locked", "availability_zone", "config_drive", "key_name",
        "created_at", "launched_at", "terminated_at", "power_state", "task_state", "vm_state", "progress", "user_id", "hostname",
        "all_tenants", "project_id", "tenant_id", "host", "node", "deleted", "soft_deleted", "uuid", "description", "display_name",
        "display_description", "launch_index", "access_ip_v4", "access_ip_v6", "kernel_id", "ramdisk_id", "root_device_name",
        "image_ref", "instance_type_id", "pinned_availability_zone",
    ]

    /// The statuses a `status` filter may name (2.38 refuses others; before, they match nothing).
    static let statuses: Set<String> = [
        "ACTIVE", "BUILD", "DELETED", "ERROR", "HARD_REBOOT", "MIGRATING", "PASSWORD", "PAUSED", "REBOOT", "REBUILD", "RESCUE", "RESIZE",
        "REVERT_RESIZE", "SHELVED", "SHELVED_OFFLOADED", "SHUTOFF", "SOFT_DELETED", "SUSPENDED", "UNKNOWN", "VERIFY_RESIZE",
    ]

    static func date(_ name: String, _ request: APIRequest) throws -> Date? {
        guard let text = request.queryValue(name) else { return nil }
        guard let date = Timestamp.parse(text) else {
            throw Fault.badRequest("Invalid input for query parameters \(name). Value: \(text). '\(text)' is not a 'date-time'")
        }
        return date
    }

    static func filter(_ servers: [Server], _ request: APIRequest, isAdmin: Bool, changesSince: Date?, changesBefore: Date?) throws -> [Server] {
        var result = servers
        if let since = changesSince { result.removeAll { ($0.updatedAt ?? $0.createdAt) < since } }
        if let before = changesBefore { result.removeAll { ($0.updatedAt ?? $0.createdAt) > before } }
        if let name = request.queryValue("name") {
            let pattern = try regex(name, "name")
            result.removeAll { pattern.firstMatch(in: $0.name, range: NSRange($0.name.startIndex..., in: $0.name)) == nil }
        }
        if let statuses = request.query["status"], !statuses.isEmpty {
            let wanted = Set(statuses.map { $0.uppercased() })
            if request.version >= APIVersion(2, 38), let bad = wanted.subtracting(Self.statuses).sorted().first {
                throw Fault.badRequest("Invalid status value: \(bad)")
            }
            result.removeAll { !wanted.contains($0.status) }
        }
        if let flavor = request.queryValue("flavor") { result.removeAll { $0.flavor.id != flavor } }
        if let image = request.queryValue("image") { result.removeAll { ($0.imageRef ?? "") != Identifier.lastSegment(of: image) } }
        if let ip = request.queryValue("ip") ?? (isAdmin || request.version >= APIVersion(2, 5) ? request.queryValue("ip6") : nil) {
            let pattern = try regex(ip, "ip")
            result.removeAll { server in
                !server.addresses.contains { pattern.firstMatch(in: $0.address, range: NSRange($0.address.startIndex..., in: $0.address)) != nil }
            }
        }
        if isAdmin, let host = request.queryValue("host") { result.removeAll { $0.host != host } }
        if let reservation = request.queryValue("reservation_id") { result.removeAll { $0.reservationID != reservation } }
        if let key = request.queryValue("key_name") { result.removeAll { $0.keyName != key } }
        if let user = request.queryValue("user_id") { result.removeAll { $0.userID != user } }
        if request.version >= APIVersion(2, 73), let locked = try request.queryBool("locked") { result.removeAll { $0.locked != locked } }
        if request.version >= APIVersion(2, 26) {
            let split = { (name: String) in request.queryValue(name).map { Set($0.split(separator: ",").map(String.init)) } }
            if let all = split("tags") { result.removeAll { !all.isSubset(of: Set($0.tags)) } }
            if let any = split("tags-any") { result.removeAll { any.isDisjoint(with: $0.tags) } }
            if let none = split("not-tags") { result.removeAll { none.isSubset(of: Set($0.tags)) } }
            if let noneAny = split("not-tags-any") { result.removeAll { !noneAny.isDisjoint(with: $0.tags) } }
        }
        return result
    }

    static func regex(_ text: String, _ name: String) throws -> NSRegularExpression {
        do { return try NSRegularExpression(pattern: text) } catch {
            throw Fault.badRequest("Invalid input for query parameters \(name). Value: \(text). '\(text)' is not a valid regular expression")
        }
    }

    /// Sorts by the `sort_key`/`sort_dir` pairs (default `created_at desc`), then by id for a stable order.
    static func sort(_ servers: [Server], _ request: APIRequest) throws -> [Server] {
        let keys = request.query["sort_key"] ?? []
        let dirs = request.query["sort_dir"] ?? []
        var order: [(key: @Sendable (Server) -> String, descending: Bool)] = []
        for (index, key) in keys.enumerated() {
            // Unknown sort keys are refused from 2.75 and ignored before, as Nova does.
            guard let extract = sortKeys[key] else {
                if request.version >= APIVersion(2, 75) { throw Fault.badRequest("Invalid input for query parameters sort_key. Value: \(key).") }
                continue
            }
            let dir = index < dirs.count ? dirs[index] : (dirs.last ?? "desc")
            guard dir == "asc" || dir == "desc" else { throw Fault.badRequest("Invalid input for query parameters sort_dir. Value: \(dir).") }
            order.append((extract, dir == "desc"))
        }
        if order.isEmpty { order = [(sortKeys["created_at"]!, true)] }
        // Each server's keys are computed once, not at every comparison.
        let keyed = servers.map { server in (server: server, keys: order.map { $0.key(server) }) }
        return keyed.sorted { lhs, rhs in
            for (index, (_, descending)) in order.enumerated() where lhs.keys[index] != rhs.keys[index] {
                return descending ? lhs.keys[index] > rhs.keys[index] : lhs.keys[index] < rhs.keys[index]
            }
            // Nova breaks ties by id in the last direction given.
            return (order.last?.descending ?? true) ? lhs.server.rowID > rhs.server.rowID : lhs.server.rowID < rhs.server.rowID
        }.map(\.server)
    }
}

extension ServerContext {
    /// `GET /servers` and `/servers/detail`: Nova's filters, sort keys and paging over the visible instances.
    func list(_ request: APIRequest, detail: Bool) async throws -> Reply {
        if request.version >= APIVersion(2, 75),
            let unknown = request.query.keys.sorted().first(where: { !ServerListing.knownParameters.contains($0) })
        {
            throw Fault.badRequest(
                "Invalid input for query parameters \(unknown). Additional properties are not allowed ('\(unknown)' was unexpected)")
        }
        let allTenants = try request.queryBool("all_tenants") ?? false
        if allTenants { try request.authorize(detail ? ServerRules.detailAllTenants : ServerRules.indexAllTenants, target: [:]) }
        let isAdminFilterer = request.allows(ServerRules.allowAllFilters, target: [:])
        var project: String? = request.auth.projectID
        if allTenants { project = nil }
        if isAdminFilterer, let asked = request.queryValue("project_id") ?? request.queryValue("tenant_id") {
            project = asked
        }
        let changesSince = try ServerListing.date("changes-since", request)
        let changesBefore = try ServerListing.date("changes-before", request)
        if let since = changesSince, let before = changesBefore, before < since {
            throw Fault.badRequest("The value of changes-since must be less than or equal to changes-before.")
        }
        let wantsDeleted = isAdminFilterer ? try request.queryBool("deleted") ?? false : false
        var found = try await servers.all(
            project: project, includeDeleted: changesSince != nil || changesBefore != nil || wantsDeleted)
        if wantsDeleted { found.removeAll { !$0.deleted } }
        found = try ServerListing.filter(found, request, isAdmin: isAdminFilterer, changesSince: changesSince, changesBefore: changesBefore)
        found = try ServerListing.sort(found, request)
        let (limit, marker) = try request.pagination()
        let page = try request.page(found, limit: limit, marker: marker, key: \.id)
        let images = detail ? try await images(of: page, request) : [:]
        var body: JSON = [
            "servers": .array(page.map { detail ? ServerViews.detail($0, request, images: images, listing: true) : ServerViews.summary($0, request) })
        ]
        if let next = request.nextLinks(detail ? "servers/detail" : "servers", page: page.count, limit: limit, lastMarker: page.last?.id) {
            body["servers_links"] = next
        }
        return Reply(body)
    }
}
