import Foundation
import Hummingbird
import NovaKitCore
import NovaKitHTTP

extension NetworkListener {
    static let subnetAttributes: Set<String> = [
        "name", "description", "network_id", "ip_version", "cidr", "gateway_ip", "enable_dhcp", "allocation_pools", "dns_nameservers",
        "host_routes", "ipv6_ra_mode", "ipv6_address_mode", "project_id", "tenant_id", "service_types",
    ]

    func subnets(_ request: Request, _ path: [String], _ query: NeutronQuery, _ auth: AuthContext) async throws -> Response {
        switch (request.method, path.count) {
        case (.get, 1):
            return list("subnets", try await subnets.list(query, auth).map(NetworkViews.subnet), query)
        case (.post, 1):
            let body = try NeutronBody(try await self.body(request), resource: "subnet", allowed: Self.subnetAttributes)
            guard let networkID = try body.string("network_id") else {
                throw NeutronError.badRequest("Failed to parse request. Required attribute 'network_id' not specified")
            }
            guard let network = try await networks.row(networkID, auth) else { throw NeutronError.notFound("Network", networkID) }
            try checkOwner(network.projectID, auth, "create_subnet")
            guard let text = try body.string("cidr") else { throw NeutronError.badRequest("Bad subnets request: a cidr must be specified.") }
            guard let cidr = IPNetwork(text) else {
                throw NeutronError.badRequest("Invalid input for cidr. Reason: '\(text)' is not a valid IP subnet.")
            }
            let version = try body.int("ip_version") ?? 4
            guard version == cidr.version else {
                throw NeutronError.badRequest("Invalid input for operation: Cannot use IPv\(cidr.version) subnet with ip_version \(version).")
            }
            let gateway = try gatewayIP(body, cidr)
            let project = try owner(body, auth)
            try await quotaStore.check("subnet", project: project)
            let row = SubnetRow(
                id: nil, uuid: ids.uuid(), projectID: project, name: try body.string("name") ?? "",
                description: try body.string("description") ?? "", networkID: network.uuid, ipVersion: version, cidr: cidr.description,
                gatewayIP: gateway?.description, enableDHCP: try body.bool("enable_dhcp") ?? true,
                allocationPools: try pools(body, cidr, gateway: gateway),
                dnsNameservers: (try body.strings("dns_nameservers") ?? []).joined(separator: "\n"),
                ipv6RAMode: try body.string("ipv6_ra_mode"), ipv6AddressMode: try body.string("ipv6_address_mode"), createdAt: clock.now(),
                updatedAt: nil, deleted: 0)
            try await subnets.create(row)
            return one("subnet", NetworkViews.subnet(row), query, status: .created)
        case (.get, 2):
            return one("subnet", NetworkViews.subnet(try await subnets.get(path[1], auth)), query)
        case (.put, 2):
            var row = try await subnets.get(path[1], auth)
            try checkOwner(row.projectID, auth, "update_subnet")
            let body = try NeutronBody(try await self.body(request), resource: "subnet", allowed: Self.subnetAttributes)
            for fixed in ["network_id", "cidr", "ip_version"] where body.has(fixed) {
                throw NeutronError.badRequest("Cannot update read-only attribute \(fixed)")
            }
            row.name = try body.string("name") ?? row.name
            row.description = try body.string("description") ?? row.description
            row.enableDHCP = try body.bool("enable_dhcp") ?? row.enableDHCP
            if let servers = try body.strings("dns_nameservers") { row.dnsNameservers = servers.joined(separator: "\n") }
            if body.has("gateway_ip"), let cidr = IPNetwork(row.cidr) { row.gatewayIP = try gatewayIP(body, cidr)?.description }
            try await subnets.update(row)
            return one("subnet", NetworkViews.subnet(try await subnets.get(path[1], auth)), query)
        case (.delete, 2):
            let row = try await subnets.get(path[1], auth)
            try checkOwner(row.projectID, auth, "delete_subnet")
            try await subnets.delete(row)
            return Response(status: .noContent)
        default:
            throw Self.notAllowed
        }
    }

    /// The gateway: as given (in the subnet, or `null` for none), else the subnet's first host.
    private func gatewayIP(_ body: NeutronBody, _ cidr: IPNetwork) throws -> IPAddress? {
        if body.has("gateway_ip") {
            guard let text = try body.string("gateway_ip") else { return nil }
            guard let address = IPAddress(text), cidr.contains(address) else {
                throw NeutronError.badRequest("Invalid input for operation: Gateway IP \(text) is not in the subnet \(cidr).")
            }
            return address
        }
        return cidr.prefixLength >= cidr.base.bitWidth - 1 ? nil : cidr.firstHost
    }

    /// `start,end` lines: the given pools (inside the subnet, not holding the gateway), else Neutron's default.
    private func pools(_ body: NeutronBody, _ cidr: IPNetwork, gateway: IPAddress?) throws -> String {
        guard let given = body.fields["allocation_pools"], given != .null else {
            guard cidr.prefixLength < cidr.base.bitWidth - 1 else { return "" }
            var pool = cidr.defaultPool
            if let gateway, gateway != cidr.firstHost { pool.start = cidr.firstHost }
            return "\(pool.start),\(pool.end)"
        }
        guard let items = given.arrayValue else { throw body.invalid("allocation_pools", given, "is not a list") }
        return try items.map { item in
            guard let start = item["start"]?.stringValue.flatMap(IPAddress.init), let end = item["end"]?.stringValue.flatMap(IPAddress.init),
                cidr.contains(start), cidr.contains(end), start <= end
            else { throw NeutronError.badRequest("The allocation pool \(item.pythonStr) spans beyond the subnet cidr \(cidr).") }
            if let gateway, start <= gateway, gateway <= end {
                throw NeutronError.badRequest("Gateway ip \(gateway) conflicts with allocation pool \(start)-\(end)")
            }
            return "\(start),\(end)"
        }.joined(separator: "\n")
    }
}
