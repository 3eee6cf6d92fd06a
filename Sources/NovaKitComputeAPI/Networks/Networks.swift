import HTTPTypes
public import NovaKitAPI
public import NovaKitCore
import NovaKitHTTP
import NovaKitNetwork
public import NovaKitPolicy
public import NovaKitStorage

/// `os-networks` (through 2.35, Nova's proxy to the network service): the networks the caller may use in
/// the network service, and the simulated `private` network unless the network service holds one with its
/// id — listed and shown, with the admin fields for admins. Creating, deleting and associating networks is
/// gone from Nova (410), here too. The network service's tables are this API's migrations.
public struct Networks: APIExtension {
    public static let key = ResourceKey<ProxiedNetwork>("os-networks")

    let source: ProxiedNetwork.Source

    public init(database: Database, clock: any NovaClock, ids: any IDGenerator) {
        source = ProxiedNetwork.Source(
            store: NetworkStore(database: database, clock: clock, ids: ids), subnets: SubnetStore(database: database, clock: clock))
    }

    /// Bootstrap's networks: a shared `private` one with the simulated network's id and range, and an external `public`.
    public func bootstrap(_ context: BootstrapContext) async throws {
        try await DefaultNetworks(privateID: SimulatedNetwork.id, privateCIDR: SimulatedNetwork.cidr).ensure(
            project: context.adminProjectID, database: context.database, clock: context.clock, ids: context.ids)
    }

    public let descriptor = ExtensionDescriptor(
        name: "Networks", alias: "os-networks", namespace: "http://docs.openstack.org/compute/ext/os-networks/api/v1.1",
        updated: "2011-12-23T00:00:00Z", description: "The network service's networks, as Nova's network proxy shows them (removed in 2.36).")

    enum Rules {
        static let list = PolicyDefault("os_compute_api:os-networks:list", "@", description: "List networks.")
        static let view = PolicyDefault("os_compute_api:os-networks:view", "@", description: "Show a network.")
    }

    public var policies: [PolicyDefault] { [Rules.list, Rules.view] }
    public var migrations: [SchemaMigration] { NetworkSchema.migrations }

    static let versions = VersionRange.through(35)

    public var api: [APIDeclaration] {
        Resource(Self.key, lookup: .afterPolicy { [source] id, request in try await source.get(id, request) }) {
            Index(versions: Self.versions, policy: Rules.list) { [source] request in
                Reply(["networks": .array(try await source.list(request).map { $0.view(admin: request.auth.isAdmin) })])
            }
            Show(versions: Self.versions, policy: Rules.view) { network, request in Reply(["network": network.view(admin: request.auth.isAdmin)]) }
            Operation(.create, method: .post, path: "", versions: Self.versions, policy: Rules.list) { _ in throw Self.gone }
            Operation(.named("add"), method: .post, path: "add", versions: Self.versions, policy: Rules.list) { _ in throw Self.gone }
            Operation(.delete, method: .delete, path: "{id}", versions: Self.versions, policy: Rules.list) { _ in throw Self.gone }
        }
    }

    static let gone = Fault(code: 410, message: "Network management is not supported: use the network service.")
}

/// `os-tenant-networks` (through 2.35): the networks a project may use, as `{id, label, cidr}`; creating
/// and deleting are gone (410).
public struct TenantNetworks: APIExtension {
    public static let key = ResourceKey<ProxiedNetwork>("os-tenant-networks")

    let source: ProxiedNetwork.Source

    public init(database: Database, clock: any NovaClock, ids: any IDGenerator) {
        source = ProxiedNetwork.Source(
            store: NetworkStore(database: database, clock: clock, ids: ids), subnets: SubnetStore(database: database, clock: clock))
    }

    public let descriptor = ExtensionDescriptor(
        name: "OSTenantNetworks", alias: "os-tenant-networks", namespace: "http://docs.openstack.org/compute/ext/os-tenant-networks/api/v2",
        updated: "2012-03-07T14:46:43Z", description: "The networks a project may use (removed in 2.36).")

    enum Rules {
        static let list = PolicyDefault("os_compute_api:os-tenant-networks:list", "@", description: "List project networks.")
        static let show = PolicyDefault("os_compute_api:os-tenant-networks:show", "@", description: "Show a project network.")
    }

    public var policies: [PolicyDefault] { [Rules.list, Rules.show] }

    public var api: [APIDeclaration] {
        Resource(Self.key, lookup: .afterPolicy { [source] id, request in try await source.get(id, request) }) {
            Index(versions: Networks.versions, policy: Rules.list) { [source] request in
                Reply(["networks": .array(try await source.list(request).map(\.tenantView))])
            }
            Show(versions: Networks.versions, policy: Rules.show) { network, _ in Reply(["network": network.tenantView]) }
            Operation(.create, method: .post, path: "", versions: Networks.versions, policy: Rules.list) { _ in throw Networks.gone }
            Operation(.delete, method: .delete, path: "{id}", versions: Networks.versions, policy: Rules.list) { _ in throw Networks.gone }
        }
    }
}
