import Foundation
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitHTTP
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// What `GET /servers` and `/servers/detail` accept: Nova's list parameters, statuses and dates.
enum ServerListing {
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
        // Nova's `is_all_tenants`: a value must be a boolean; the bare parameter (`all_tenants=`) means yes.
        let bare = request.queryValue("all_tenants")?.isEmpty == true
        let allTenants = try bare || (request.queryBool("all_tenants") ?? false)
        if allTenants { try request.authorize(detail ? ServerRules.detailAllTenants : ServerRules.indexAllTenants, target: [:]) }
        let query = try ServerQuery(request, isAdminFilterer: request.allows(ServerRules.allowAllFilters, target: [:]), allTenants: allTenants)
        guard detail else {
            let page = try await servers.summaries(query)
            let links = request.resourceLinks("servers")
            return Self.reply(page.count, request, collection: "servers", limit: query.limit, lastMarker: page.last?.id) { writer in
                for server in page { ServerViews.writeSummary(server, links: links, into: &writer) }
            }
        }
        let page = try await servers.list(query)
        let data = try await viewData(of: page, request)
        return Self.reply(page.count, request, collection: "servers/detail", limit: query.limit, lastMarker: page.last?.id) { writer in
            // Each server borrowed from the page: `for server in page` copied every one first (a retain and a
            // release of each of its thirty-odd strings and collections, 1.5 % of a detail page's CPU).
            page.withUnsafeBufferPointer { servers in
                for index in servers.indices { ServerViews.writeDetail(servers[index], request, data: data, listing: true, into: &writer) }
            }
        }
    }

    /// `{"servers": [views], "servers_links": [next]}`, written as text: `views` writes the page's `count` views.
    private static func reply(
        _ count: Int, _ request: APIRequest, collection: String, limit: Int, lastMarker: String?, views: (inout JSONWriter) -> Void
    ) -> Reply {
        let next = request.nextLinks(collection, page: count, limit: limit, lastMarker: lastMarker)
        var writer = JSONWriter(capacity: 256 + count * 2048)
        writer.object { body in
            body.key("servers")
            body.array(views)
            if let next {
                body.key("servers_links")
                body.value(next)
            }
        }
        return Reply(encoded: writer.bytes)
    }
}
