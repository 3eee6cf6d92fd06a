import NovaKitAPI
import NovaKitCore
import NovaKitNetwork

/// A network as Nova's proxy APIs show it: its id, name (`label`) and first IPv4 range.
public struct ProxiedNetwork: Sendable {
    let id: String
    let label: String
    /// The first IPv4 subnet's range and gateway, when it has one.
    let cidr: IPNetwork?
    let gateway: String?

    static let simulated = ProxiedNetwork(
        id: SimulatedNetwork.id, label: SimulatedNetwork.label, cidr: IPNetwork(SimulatedNetwork.cidr), gateway: SimulatedNetwork.gateway)

    /// Where the proxies read networks: the network service, plus the simulated one unless the service has its id.
    struct Source: Sendable {
        let store: NetworkStore
        let subnets: SubnetStore

        func list(_ request: APIRequest) async throws -> [ProxiedNetwork] {
            let proxied = try await proxy(try await store.list(NeutronQuery(), request.auth).map(\.row), request)
            return proxied.contains { $0.id == SimulatedNetwork.id } ? proxied : [.simulated] + proxied
        }

        func get(_ id: String, _ request: APIRequest) async throws -> ProxiedNetwork {
            if let network = try await store.row(id, request.auth) { return try await proxy([network], request)[0] }
            guard id == SimulatedNetwork.id else { throw Fault.notFound("Network \(id) could not be found.") }
            return .simulated
        }

        /// The networks with their first IPv4 subnet, read for all of them in one query.
        private func proxy(_ networks: [NetworkRow], _ request: APIRequest) async throws -> [ProxiedNetwork] {
            guard !networks.isEmpty else { return [] }
            let query = try NeutronQuery(networks.map { ("network_id", $0.uuid) } + [("ip_version", "4")])
            var first: [String: SubnetRow] = [:]
            for subnet in try await subnets.list(query, request.auth) where first[subnet.networkID] == nil { first[subnet.networkID] = subnet }
            return networks.map { network in
                let subnet = first[network.uuid]
                return ProxiedNetwork(id: network.uuid, label: network.name, cidr: subnet.flatMap { IPNetwork($0.cidr) }, gateway: subnet?.gatewayIP)
            }
        }
    }

    /// `os-tenant-networks`' view.
    var tenantView: JSON { ["id": .string(id), "label": .string(label), "cidr": .string(cidr?.description)] }

    /// `os-networks`' view: the fields anyone sees, and for admins the rest (unset ones as null).
    func view(admin: Bool) -> JSON {
        let netmask = cidr.map { IPAddress(version: 4, value: ~((UInt128(1) << UInt128(32 - $0.prefixLength)) - 1) & 0xFFFF_FFFF).description }
        var view: JSON = [
            "id": .string(id), "label": .string(label), "cidr": .string(cidr?.description), "netmask": .string(netmask),
            "gateway": .string(gateway), "broadcast": .string(cidr?.last.description), "dns1": nil, "dns2": nil, "cidr_v6": nil,
            "gateway_v6": nil, "netmask_v6": nil,
        ]
        guard admin else { return view }
        for key in [
            "created_at", "updated_at", "deleted_at", "bridge", "vlan", "vpn_public_address", "vpn_public_port", "vpn_private_address",
            "dhcp_start", "project_id", "host", "bridge_interface", "priority", "rxtx_base", "mtu", "dhcp_server",
        ] {
            view[key] = .null
        }
        view["deleted"] = false
        view["injected"] = false
        view["multi_host"] = false
        view["enable_dhcp"] = true
        view["share_address"] = false
        return view
    }
}
