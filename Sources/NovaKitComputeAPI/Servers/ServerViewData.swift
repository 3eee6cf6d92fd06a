import NovaKitAPI
import NovaKitCore
import NovaKitImage
import NovaKitNetwork
import NovaKitStorage

/// What server views show beyond the servers' own rows, read once per response: the images they were built
/// from (2.98's image properties), the zone each host is in (an aggregate's, else `nova`) and, for a single
/// server from 2.71, the server groups it belongs to.
struct ServerViewData: Sendable {
    var images: [String: Image] = [:]
    var zones: [String: String] = [:]
    var groups: [String: [String]] = [:]
    /// Floating addresses mapped to the servers' ports, by server.
    var floating: [String: [FloatingAddress]] = [:]

    /// The zone a server shows: the one it was pinned to, else its host's.
    func zone(of server: Server) -> String {
        server.availabilityZone ?? server.host.flatMap { zones[$0] } ?? AvailabilityZones.zone
    }
}

extension ServerContext {
    /// The view data for `servers`; `groups` only for a single server's view (show, update, rebuild) from 2.71.
    func viewData(of servers: [Server], _ request: APIRequest, groups: Bool = false) async throws -> ServerViewData {
        var data = ServerViewData(images: try await images(of: servers, request))
        if servers.contains(where: { $0.availabilityZone == nil && $0.host != nil }) {
            data.zones = try await AggregateStore.zonesByHost(in: database)
        }
        let addressed = servers.filter { !$0.addresses.isEmpty }.map(\.id)
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
