import Foundation
import Hummingbird
import NovaKitCore
import NovaKitHTTP

extension NetworkListener {
    static let portAttributes: Set<String> = [
        "name", "description", "network_id", "admin_state_up", "mac_address", "fixed_ips", "device_id", "device_owner", "binding:host_id",
        "binding:vnic_type", "binding:profile", "security_groups", "allowed_address_pairs", "project_id", "tenant_id", "port_security_enabled",
    ]

    func ports(_ request: Request, _ path: [String], _ query: NeutronQuery, _ auth: AuthContext) async throws -> Response {
        let view = { (port: Port) in NetworkViews.port(port, admin: auth.isAdmin) }
        switch (request.method, path.count) {
        case (.get, 1):
            return list("ports", try await ports.list(query, auth).map(view), query)
        case (.post, 1):
            let body = try NeutronBody(try await self.body(request), resource: "port", allowed: Self.portAttributes)
            guard let networkID = try body.string("network_id") else {
                throw NeutronError.badRequest("Failed to parse request. Required attribute 'network_id' not specified")
            }
            guard let network = try await networks.row(networkID, auth) else { throw NeutronError.notFound("Network", networkID) }
            if !auth.isAdmin, body.has("binding:host_id") { throw Self.adminOnly("create_port:binding:host_id") }
            if !auth.isAdmin, body.has("mac_address") { throw Self.adminOnly("create_port:mac_address") }
            var portRequest = PortRequest(network: network, projectID: try owner(body, auth))
            try await quotaStore.check("port", project: portRequest.projectID)
            portRequest.name = try body.string("name") ?? ""
            portRequest.description = try body.string("description") ?? ""
            portRequest.adminStateUp = try body.bool("admin_state_up") ?? true
            portRequest.deviceID = try body.string("device_id") ?? ""
            portRequest.deviceOwner = try body.string("device_owner") ?? ""
            portRequest.bindingHost = try body.string("binding:host_id")
            portRequest.macAddress = try body.string("mac_address")
            portRequest.securityGroups = try await securityGroupIDs(try body.strings("security_groups"), project: portRequest.projectID, auth)
            portRequest.fixedIPs = try fixedIPs(body)
            portRequest.allowedAddressPairs = try addressPairs(body)
            return one("port", view(try await ports.create(portRequest)), query, status: .created)
        case (.get, 2):
            return one("port", view(try await ports.get(path[1], auth)), query)
        case (.put, 2):
            var port = try await ports.get(path[1], auth)
            let body = try NeutronBody(try await self.body(request), resource: "port", allowed: Self.portAttributes)
            for fixed in ["network_id", "fixed_ips", "mac_address"] where body.has(fixed) {
                throw NeutronError.badRequest("Cannot update read-only attribute \(fixed)")
            }
            if !auth.isAdmin, body.has("binding:host_id") { throw Self.adminOnly("update_port:binding:host_id") }
            port.row.name = try body.string("name") ?? port.row.name
            port.row.description = try body.string("description") ?? port.row.description
            port.row.adminStateUp = try body.bool("admin_state_up") ?? port.row.adminStateUp
            port.row.deviceID = try body.string("device_id") ?? port.row.deviceID
            port.row.deviceOwner = try body.string("device_owner") ?? port.row.deviceOwner
            if body.has("binding:host_id") { port.row.bindingHost = try body.string("binding:host_id") }
            if let groups = try body.strings("security_groups") {
                port.row.securityGroups = try await securityGroupIDs(groups, project: port.row.projectID, auth).joined(separator: "\n")
            }
            if body.has("allowed_address_pairs") { port.row.allowedAddressPairs = try addressPairs(body) }
            try await ports.update(port.row)
            return one("port", view(try await ports.get(path[1], auth)), query)
        case (.delete, 2):
            let port = try await ports.get(path[1], auth)
            try await ports.delete(port.row)
            return Response(status: .noContent)
        default:
            throw Self.notAllowed
        }
    }

    /// The groups a port is in: the ones named (each must be visible), else the project's `default` (as Neutron).
    private func securityGroupIDs(_ named: [String]?, project: String, _ auth: AuthContext) async throws -> [String] {
        guard let named else {
            return try await securityGroupStore.list(project: project).filter { $0.name == SecurityGroup.defaultName }.map(\.id)
        }
        for id in named where (try? await securityGroupStore.get(id, project: auth.projectID, isAdmin: auth.isAdmin)) == nil {
            throw NeutronError(code: 404, type: "SecurityGroupNotFound", message: "Security group \(id) does not exist")
        }
        return named
    }

    /// `allowed_address_pairs`: at most 10 of `{ip_address (an address or CIDR), mac_address?}`.
    private func addressPairs(_ body: NeutronBody) throws -> String? {
        guard let given = body.fields["allowed_address_pairs"], given != .null else { return nil }
        guard let items = given.arrayValue else { throw body.invalid("allowed_address_pairs", given, "is not a list") }
        guard items.count <= 10 else {
            throw NeutronError(code: 400, type: "AllowedAddressPairExhausted", message: "The number of allowed address pair exceeds the maximum 10.")
        }
        return try items.map { item -> String in
            guard let address = item["ip_address"]?.stringValue, IPAddress(address) != nil || IPNetwork(address) != nil else {
                throw NeutronError(code: 400, type: "AllowedAddressPairsMissingIP", message: "AllowedAddressPair must contain a valid ip_address")
            }
            let mac = item["mac_address"]?.stringValue ?? ""
            guard
                mac.isEmpty
                    || mac.split(separator: ":").count == 6 && mac.split(separator: ":").allSatisfy({ $0.count == 2 && UInt8($0, radix: 16) != nil })
            else { throw NeutronError.badRequest("Invalid input for mac_address. Reason: '\(mac)' is not a valid MAC address.") }
            return "\(address),\(mac)"
        }.joined(separator: "\n")
    }

    /// `fixed_ips`: a list of `{subnet_id?, ip_address?}`, or absent for the default allocation.
    private func fixedIPs(_ body: NeutronBody) throws -> [PortRequest.Address]? {
        guard let given = body.fields["fixed_ips"], given != .null else { return nil }
        guard let items = given.arrayValue else { throw body.invalid("fixed_ips", given, "is not a list") }
        return try items.map { item in
            guard case .object(let fields) = item, fields.keys.allSatisfy({ ["subnet_id", "ip_address"].contains($0) }),
                fields.values.allSatisfy({ $0.stringValue != nil }), !fields.isEmpty
            else { throw body.invalid("fixed_ips", given, "is not a valid list of fixed IPs") }
            return PortRequest.Address(subnetID: fields["subnet_id"]?.stringValue, ipAddress: fields["ip_address"]?.stringValue)
        }
    }
}
