import Foundation
import Hummingbird
import NovaKitCore
import NovaKitHTTP

extension NetworkListener {
    static let routerAttributes: Set<String> = [
        "name", "description", "admin_state_up", "external_gateway_info", "project_id", "tenant_id", "distributed", "ha",
        "availability_zone_hints",
    ]

    func routers(_ request: Request, _ path: [String], _ query: NeutronQuery, _ auth: AuthContext) async throws -> Response {
        switch (request.method, path.count) {
        case (.get, 1):
            return list("routers", try await routers.list(query, auth).map(NetworkViews.router), query)
        case (.post, 1):
            let body = try NeutronBody(try await self.body(request), resource: "router", allowed: Self.routerAttributes)
            let project = try owner(body, auth)
            try await quotaStore.check("router", project: project)
            let row = RouterRow(
                id: nil, uuid: ids.uuid(), projectID: project, name: try body.string("name") ?? "",
                description: try body.string("description") ?? "", adminStateUp: try body.bool("admin_state_up") ?? true,
                externalNetworkID: try await externalNetwork(body, auth), createdAt: clock.now(), updatedAt: nil, deleted: 0)
            try await routers.create(row)
            return one("router", NetworkViews.router(row), query, status: .created)
        case (.get, 2):
            return one("router", NetworkViews.router(try await routers.get(path[1], auth)), query)
        case (.put, 2):
            var row = try await routers.get(path[1], auth)
            let body = try NeutronBody(try await self.body(request), resource: "router", allowed: Self.routerAttributes)
            row.name = try body.string("name") ?? row.name
            row.description = try body.string("description") ?? row.description
            row.adminStateUp = try body.bool("admin_state_up") ?? row.adminStateUp
            if body.has("external_gateway_info") { row.externalNetworkID = try await externalNetwork(body, auth) }
            try await routers.update(row)
            return one("router", NetworkViews.router(try await routers.get(path[1], auth)), query)
        case (.delete, 2):
            try await routers.delete(try await routers.get(path[1], auth))
            return Response(status: .noContent)
        case (.put, 3) where ["add_router_interface", "remove_router_interface"].contains(path[2]):
            let router = try await routers.get(path[1], auth)
            guard case .object(let fields) = try await self.body(request) else { throw NeutronError.badRequest("Resource body required") }
            let subnetID = fields["subnet_id"]?.stringValue
            let portID = fields["port_id"]?.stringValue
            guard (subnetID == nil) != (portID == nil) else {
                throw NeutronError.badRequest("Bad router request: Either subnet_id or port_id must be specified.")
            }
            if path[2] == "remove_router_interface" {
                let port = try await routers.removeInterface(router, subnetID: subnetID, portID: portID)
                return .json(NetworkViews.interface(port, router: router), status: .ok)
            }
            guard let subnetID else {
                throw NeutronError.badRequest(
                    "Bad router request: Adding an existing port as a router interface is not supported here; use subnet_id.")
            }
            let subnet = try await subnets.get(subnetID, auth)
            guard let network = try await networks.row(subnet.networkID, auth) else { throw NeutronError.notFound("Network", subnet.networkID) }
            let port = try await routers.addInterface(router, subnet: subnet, network: network)
            return .json(NetworkViews.interface(port, router: router), status: .ok)
        default:
            throw Self.notAllowed
        }
    }

    /// `external_gateway_info.network_id`: it must name an external network; `null` or `{}` clears it.
    private func externalNetwork(_ body: NeutronBody, _ auth: AuthContext) async throws -> String? {
        guard let info = body.fields["external_gateway_info"], info != .null else { return nil }
        guard case .object(let fields) = info else { throw body.invalid("external_gateway_info", info, "is not a dictionary") }
        guard let id = fields["network_id"]?.stringValue else { return nil }
        guard let network = try await networks.row(id, auth) else { throw NeutronError.notFound("Network", id) }
        guard network.external else { throw NeutronError.badRequest("Bad router request: Network \(id) is not an external network.") }
        return id
    }
}
