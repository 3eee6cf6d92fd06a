import NovaKitAPI
import NovaKitCore
import NovaKitImage
import NovaKitNetwork
import NovaKitStorage

/// What server views show beyond the servers' own rows, read once per response: the images they were built
/// from (2.98's image properties), the zone each host is in (an aggregate's, else `nova`) and, for a single
/// server from 2.71, the server groups it belongs to.
struct ServerViewData: Sendable {
    /// The request's links to servers, images and flavors.
    var links: ServerViewLinks
    var images: [String: Image] = [:]
    var zones: [String: String] = [:]
    var groups: [String: [String]] = [:]
    /// Floating addresses mapped to the servers' ports, by server.
    var floating: [String: [FloatingAddress]] = [:]

    /// What the caller may see of each owner's servers.
    var fieldRules: [ServerFieldRules.Owner: ServerFieldRules] = [:]
    /// `hostId` by project and host: a page's servers mostly share both, and each digest was 2.6 % of a detail
    /// page worked out per server.
    var hostIDs: [HostKey: String] = [:]

    struct HostKey: Hashable {
        var project: String
        var host: String
    }

    /// The `hostId` `server` shows.
    func hostID(of server: Server) -> String {
        guard let host = server.host else { return "" }
        return hostIDs.value(soleEntryFirst: HostKey(project: server.projectID, host: host)) ?? ServerViews.hostID(server)
    }

    /// The optional fields the caller may see on `server`: worked out once per owner of a page.
    func rules(for server: Server, _ request: APIRequest) -> ServerFieldRules {
        fieldRules.value(soleEntryFirst: ServerFieldRules.Owner(server)) ?? ServerFieldRules(request, server)
    }

    /// The zone a server shows: the one it was pinned to, else its host's.
    func zone(of server: Server) -> String {
        server.availabilityZone ?? server.host.flatMap { zones[$0] } ?? AvailabilityZones.zone
    }
}

extension ServerContext {
    /// The view data for `servers`; `groups` only for a single server's view (show, update, rebuild) from 2.71.
    func viewData(of servers: [Server], _ request: APIRequest, groups: Bool = false) async throws -> ServerViewData {
        var data = ServerViewData(links: ServerViewLinks(request), images: try await images(of: servers, request))
        // Each server borrowed, not copied: a copy retains each of its thirty-odd strings and collections, and
        // the copies these loops made were 1.6 % of a detail page's CPU.
        let (needsZones, addressed) = servers.withUnsafeBufferPointer { servers in
            var needsZones = false
            var addressed: [String] = []
            for index in servers.indices {
                let owner = ServerFieldRules.Owner(servers[index])
                if data.fieldRules.value(soleEntryFirst: owner) == nil { data.fieldRules[owner] = ServerFieldRules(request, servers[index]) }
                if let host = servers[index].host {
                    let key = ServerViewData.HostKey(project: servers[index].projectID, host: host)
                    if data.hostIDs.value(soleEntryFirst: key) == nil { data.hostIDs[key] = ServerViews.hostID(project: key.project, host: host) }
                    if servers[index].availabilityZone == nil { needsZones = true }
                }
                if !servers[index].addresses.isEmpty { addressed.append(servers[index].id) }
            }
            return (needsZones, addressed)
        }
        if needsZones {
            data.zones = try await AggregateStore.zonesByHost(in: database)
        }
        if !addressed.isEmpty {
            data.floating = try await database.read { sql in try await FloatingIPStore.addresses(ofDevices: addressed, sql) }
        }
        if groups, request.version >= APIVersion(2, 71) {
            let store = ServerGroupStore(database: database, clock: clock)
            for server in servers { data.groups[server.id] = try await store.groups(of: server.id) }
        }
        return data
    }
}

/// The policy-gated parts of a server's view. They depend on the caller and the server's owner only, so a page
/// checks them once per owner instead of once per server.
struct ServerFieldRules: Sendable {
    /// `OS-EXT-SRV-ATTR:*`
    var extendedAttributes: Bool
    /// `host_status` (2.16+)
    var hostStatus: Bool
    /// The flavor's `extra_specs` (2.47+)
    var flavorExtraSpecs: Bool

    init(_ request: APIRequest, _ server: Server) {
        let target = ["project_id": server.projectID, "user_id": server.userID]
        extendedAttributes = request.allows(ServerRules.extendedAttributes, target: target)
        hostStatus = request.allows(ServerRules.hostStatus, target: target)
        flavorExtraSpecs = request.allows(FlavorExtraSpecs.Rules.index, target: ["project_id": server.projectID])
    }

    /// Whose server it is: all the rules' targets name.
    struct Owner: Hashable, Sendable {
        var project: String
        var user: String

        init(_ server: Server) {
            project = server.projectID
            user = server.userID
        }
    }
}

/// The links a server's view writes, their URL prefixes built once per request.
struct ServerViewLinks: Sendable {
    var servers: ResourceLinks
    var images: ResourceLinks
    var flavors: ResourceLinks

    init(_ request: APIRequest) {
        servers = request.resourceLinks("servers")
        images = request.resourceLinks("images")
        flavors = request.resourceLinks("flavors")
    }
}

extension Dictionary {
    /// The value for `key`, compared with the only entry first when there is just one: a page's servers mostly share
    /// one owner and one host, and hashing their strings for every server was about 1 % of a detail page.
    fileprivate func value(soleEntryFirst key: Key) -> Value? {
        if count == 1, let only = first, only.key == key { return only.value }
        return self[key]
    }
}
