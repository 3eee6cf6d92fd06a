import Foundation
import Hummingbird
import NovaKitCore
import NovaKitHTTP

/// `floatingips`: addresses of an external network a project takes, maps to a fixed address of one of its
/// ports (`port_id`, `fixed_ip_address`), moves and gives back.
extension NetworkListener {
    static let floatingIPAttributes: Set<String> = [
        "floating_network_id", "floating_ip_address", "port_id", "fixed_ip_address", "description", "project_id", "tenant_id", "subnet_id",
        "dns_name", "dns_domain",
    ]

    func floatingIPs(_ request: Request, _ path: [String], _ query: NeutronQuery, _ auth: AuthContext) async throws -> Response {
        switch (request.method, path.count) {
        case (.get, 1):
            return list("floatingips", try await floatingIPStore.list(query, auth).map(NetworkViews.floatingIP), query)
        case (.post, 1):
            let body = try NeutronBody(try await self.body(request), resource: "floatingip", allowed: Self.floatingIPAttributes)
            guard let networkID = try body.string("floating_network_id") else {
                throw NeutronError.badRequest("Failed to parse request. Required attribute 'floating_network_id' not specified")
            }
            guard let network = try await networks.row(networkID, auth), network.external else {
                throw NeutronError.badRequest("Bad floatingip request: Network \(networkID) is not a valid external network.")
            }
            let address = try body.string("floating_ip_address")
            if address != nil, !auth.isAdmin { throw Self.adminOnly("create_floatingip:floating_ip_address") }
            let project = try owner(body, auth)
            try await quotaStore.check("floatingip", project: project)
            let row = try await floatingIPStore.create(
                on: network, project: project, address: address, description: try body.string("description") ?? "",
                mapping: try await mapping(body, auth))
            return one("floatingip", NetworkViews.floatingIP(row), query, status: .created)
        case (.get, 2):
            return one("floatingip", NetworkViews.floatingIP(try await floatingIPStore.get(path[1], auth)), query)
        case (.put, 2):
            let row = try await floatingIPStore.get(path[1], auth)
            let body = try NeutronBody(try await self.body(request), resource: "floatingip", allowed: Self.floatingIPAttributes)
            var updated = row
            if body.has("port_id") { updated = try await floatingIPStore.associate(row, with: try await mapping(body, auth)) }
            return one("floatingip", NetworkViews.floatingIP(updated), query)
        case (.delete, 2):
            try await floatingIPStore.delete(try await floatingIPStore.get(path[1], auth))
            return Response(status: .noContent)
        default:
            throw Self.notAllowed
        }
    }

    /// The port and fixed address a body maps the floating address to (`port_id` null or absent: none).
    private func mapping(_ body: NeutronBody, _ auth: AuthContext) async throws -> (port: Port, fixed: String)? {
        guard let portID = try body.string("port_id") else { return nil }
        let port = try await ports.get(portID, auth)
        if let wanted = try body.string("fixed_ip_address") {
            guard port.fixedIPs.contains(where: { $0.ipAddress == wanted }) else {
                throw NeutronError.badRequest("Bad floatingip request: Port \(portID) does not have fixed ip \(wanted).")
            }
            return (port, wanted)
        }
        guard let fixed = port.fixedIPs.first(where: { IPAddress($0.ipAddress)?.version == 4 })?.ipAddress else {
            throw NeutronError.badRequest("Bad floatingip request: Port \(portID) does not have any IPv4 address.")
        }
        return (port, fixed)
    }
}
