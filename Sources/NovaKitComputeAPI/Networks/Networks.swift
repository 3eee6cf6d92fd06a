import HTTPTypes
public import NovaKitAPI
public import NovaKitCore
import NovaKitHTTP
public import NovaKitPolicy

/// `os-networks` (through 2.35, Nova's proxy to the network service): the simulated `private` network, listed
/// and shown — with the admin fields for admins — so clients without a network service in the catalog can
/// find it by name. Creating, deleting and associating networks is gone from Nova (410), here too.
public struct Networks: APIExtension {
    public static let key = ResourceKey<String>("os-networks")

    public init() {}

    public let descriptor = ExtensionDescriptor(
        name: "Networks", alias: "os-networks", namespace: "http://docs.openstack.org/compute/ext/os-networks/api/v1.1",
        updated: "2011-12-23T00:00:00Z", description: "The simulated network, as Nova's network proxy shows it (removed in 2.36).")

    enum Rules {
        static let list = PolicyDefault("os_compute_api:os-networks:list", "@", description: "List networks.")
        static let view = PolicyDefault("os_compute_api:os-networks:view", "@", description: "Show a network.")
    }

    public var policies: [PolicyDefault] { [Rules.list, Rules.view] }

    static let versions = VersionRange.through(35)

    static let lookup = MemberLookup<String>.afterPolicy { id, _ in
        guard id == SimulatedNetwork.id else { throw Fault.notFound("Network \(id) could not be found.") }
        return id
    }

    public var api: [APIDeclaration] {
        Resource(Self.key, lookup: Self.lookup) {
            Index(versions: Self.versions, policy: Rules.list) { request in Reply(["networks": [Self.view(admin: request.auth.isAdmin)]]) }
            Show(versions: Self.versions, policy: Rules.view) { _, request in Reply(["network": Self.view(admin: request.auth.isAdmin)]) }
            Operation(.create, method: .post, path: "", versions: Self.versions, policy: Rules.list) { _ in throw Self.gone }
            Operation(.named("add"), method: .post, path: "add", versions: Self.versions, policy: Rules.list) { _ in throw Self.gone }
            Operation(.delete, method: .delete, path: "{id}", versions: Self.versions, policy: Rules.list) { _ in throw Self.gone }
        }
    }

    static let gone = Fault(code: 410, message: "Network management is not supported: networks are provided by the simulated network.")

    /// Nova's network view: the fields anyone sees, and for admins the rest (unset ones as null).
    static func view(admin: Bool) -> JSON {
        var view: JSON = [
            "id": .string(SimulatedNetwork.id), "label": .string(SimulatedNetwork.label), "cidr": .string(SimulatedNetwork.cidr),
            "netmask": .string(SimulatedNetwork.netmask), "gateway": .string(SimulatedNetwork.gateway),
            "broadcast": .string(SimulatedNetwork.broadcast), "dns1": nil, "dns2": nil, "cidr_v6": nil, "gateway_v6": nil, "netmask_v6": nil,
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

/// `os-tenant-networks` (through 2.35): the networks a project may use — the simulated one — as
/// `{id, label, cidr}`; creating and deleting are gone (410).
public struct TenantNetworks: APIExtension {
    public static let key = ResourceKey<String>("os-tenant-networks")

    public init() {}

    public let descriptor = ExtensionDescriptor(
        name: "OSTenantNetworks", alias: "os-tenant-networks", namespace: "http://docs.openstack.org/compute/ext/os-tenant-networks/api/v2",
        updated: "2012-03-07T14:46:43Z", description: "The networks a project may use (removed in 2.36).")

    enum Rules {
        static let list = PolicyDefault("os_compute_api:os-tenant-networks:list", "@", description: "List project networks.")
        static let show = PolicyDefault("os_compute_api:os-tenant-networks:show", "@", description: "Show a project network.")
    }

    public var policies: [PolicyDefault] { [Rules.list, Rules.show] }

    static let view: JSON = ["id": .string(SimulatedNetwork.id), "label": .string(SimulatedNetwork.label), "cidr": .string(SimulatedNetwork.cidr)]

    public var api: [APIDeclaration] {
        Resource(Self.key, lookup: Networks.lookup) {
            Index(versions: Networks.versions, policy: Rules.list) { _ in Reply(["networks": [Self.view]]) }
            Show(versions: Networks.versions, policy: Rules.show) { _, _ in Reply(["network": Self.view]) }
            Operation(.create, method: .post, path: "", versions: Networks.versions, policy: Rules.list) { _ in throw Networks.gone }
            Operation(.delete, method: .delete, path: "{id}", versions: Networks.versions, policy: Rules.list) { _ in throw Networks.gone }
        }
    }
}
