import Foundation
import Hummingbird
import NovaKitCore
import NovaKitHTTP

extension NetworkListener {
    static let networkAttributes: Set<String> = [
        "name", "description", "admin_state_up", "shared", "router:external", "mtu", "project_id", "tenant_id", "port_security_enabled",
        "availability_zone_hints", "provider:network_type", "provider:physical_network", "provider:segmentation_id",
    ]

    func networks(_ request: Request, _ path: [String], _ query: NeutronQuery, _ auth: AuthContext) async throws -> Response {
        switch (request.method, path.count) {
        case (.get, 1):
            return list("networks", try await networks.list(query, auth).map(NetworkViews.network), query)
        case (.post, 1):
            let body = try NeutronBody(try await self.body(request), resource: "network", allowed: Self.networkAttributes)
            let shared = try body.bool("shared") ?? false
            let external = try body.bool("router:external") ?? false
            if shared && !auth.isAdmin { throw Self.adminOnly("create_network:shared") }
            if external && !auth.isAdmin { throw Self.adminOnly("create_network:router:external") }
            let mtu = try body.int("mtu") ?? 1500
            guard (68...9000).contains(mtu) else { throw NeutronError.badRequest("Invalid input for mtu. Reason: '\(mtu)' is out of range.") }
            let project = try owner(body, auth)
            try await quotaStore.check("network", project: project)
            let row = NetworkRow(
                id: nil, uuid: ids.uuid(), projectID: project, name: try body.string("name") ?? "",
                description: try body.string("description") ?? "", adminStateUp: try body.bool("admin_state_up") ?? true, shared: shared,
                external: external, mtu: mtu, createdAt: clock.now(), updatedAt: nil, deleted: 0)
            return one("network", NetworkViews.network(try await networks.create(row)), query, status: .created)
        case (.get, 2):
            return one("network", NetworkViews.network(try await networks.get(path[1], auth)), query)
        case (.put, 2):
            var network = try await networks.get(path[1], auth)
            try checkOwner(network.row.projectID, auth, "update_network")
            let body = try NeutronBody(try await self.body(request), resource: "network", allowed: Self.networkAttributes)
            if let shared = try body.bool("shared") {
                guard auth.isAdmin else { throw Self.adminOnly("update_network:shared") }
                network.row.shared = shared
            }
            if let external = try body.bool("router:external") {
                guard auth.isAdmin else { throw Self.adminOnly("update_network:router:external") }
                network.row.external = external
            }
            network.row.name = try body.string("name") ?? network.row.name
            network.row.description = try body.string("description") ?? network.row.description
            network.row.adminStateUp = try body.bool("admin_state_up") ?? network.row.adminStateUp
            network.row.mtu = try body.int("mtu") ?? network.row.mtu
            try await networks.update(network.row)
            return one("network", NetworkViews.network(try await networks.get(path[1], auth)), query)
        case (.delete, 2):
            let network = try await networks.get(path[1], auth)
            try checkOwner(network.row.projectID, auth, "delete_network")
            try await networks.delete(network.row)
            return Response(status: .noContent)
        default:
            throw Self.notAllowed
        }
    }

    /// Only the owner or an admin may change a resource others can merely see (a shared network, say).
    func checkOwner(_ owner: String, _ auth: AuthContext, _ rule: String) throws {
        guard auth.isAdmin || owner == auth.projectID else { throw Self.adminOnly(rule) }
    }
}
