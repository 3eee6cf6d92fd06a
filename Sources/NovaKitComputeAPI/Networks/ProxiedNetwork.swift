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
            let networks = try await store.list(NeutronQuery(), request.auth)
            let proxied = try await networks.asyncMap { try await proxy($0, request) }
            return proxied.contains { $0.id == SimulatedNetwork.id } ? proxied : [.simulated] + proxied
        }

        func get(_ id: String, _ request: APIRequest) async throws -> ProxiedNetwork {
            if let network = try? await store.get(id, request.auth) { return try await proxy(network, request) }
            guard id == SimulatedNetwork.id else { throw Fault.notFound("Network \(id) could not be found.") }
            return .simulated
        }

        private func proxy(_ network: Network, _ request: APIRequest) async throws -> ProxiedNetwork {
            var first: SubnetRow?
            for id in network.subnets {
                if let subnet = try? await subnets.get(id, request.auth), subnet.ipVersion == 4 {
                    first = subnet
                    break
                }
            }
            return ProxiedNetwork(
                id: network.row.uuid, label: network.row.name, cidr: first.flatMap { IPNetwork($0.cidr) }, gateway: first?.gatewayIP)
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

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async throws -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
