import HTTPTypes
public import NovaKitAPI
public import NovaKitCore
import NovaKitHTTP
public import NovaKitNetwork
public import NovaKitPolicy
public import NovaKitStorage

/// `os-floating-ips` (through 2.35, Nova's proxy to the network service): a project's floating addresses as
/// `{id, ip, fixed_ip, instance_id, pool}`; allocating names a pool (an external network, by name or id;
/// `public` by default), releasing is a 202. The `addFloatingIp` / `removeFloatingIp` server actions (through
/// 2.43) map an address to one of the server's fixed addresses and back.
public struct FloatingIPs: APIExtension {
    public static let key = ResourceKey<FloatingIPRow>("os-floating-ips")

    let store: FloatingIPStore
    let networks: NetworkStore
    let ports: PortStore
    let quotas: NetworkQuotaStore

    public init(database: Database, clock: any NovaClock, ids: any IDGenerator) {
        store = FloatingIPStore(database: database, clock: clock, ids: ids)
        networks = NetworkStore(database: database, clock: clock, ids: ids)
        ports = PortStore(database: database, clock: clock, ids: ids)
        quotas = NetworkQuotaStore(database: database, clock: clock)
    }

    public let descriptor = ExtensionDescriptor(
        name: "FloatingIps", alias: "os-floating-ips", namespace: "http://docs.openstack.org/compute/ext/floating_ips/api/v1.1",
        updated: "2011-06-16T00:00:00Z", description: "Floating IPs of the network service, as Nova's proxy shows them (removed in 2.36).")

    enum Rules {
        static let list = owner("list", "List a project's floating IPs.")
        static let show = owner("show", "Show a floating IP.")
        static let create = owner("create", "Allocate a floating IP.")
        static let delete = owner("delete", "Release a floating IP.")
        static let add = owner("add", "Map a floating IP to a server.")
        static let remove = owner("remove", "Unmap a floating IP from a server.")

        static func owner(_ name: String, _ description: String) -> PolicyDefault {
            PolicyDefault("os_compute_api:os-floating-ips:\(name)", "rule:admin_or_owner", description: description)
        }
    }

    public var policies: [PolicyDefault] { [Rules.list, Rules.show, Rules.create, Rules.delete, Rules.add, Rules.remove] }

    static let versions = VersionRange.through(35)
    /// The pool an allocation without one uses (Nova's `default_floating_pool`).
    static let defaultPool = "public"

    public var api: [APIDeclaration] {
        Resource(
            Self.key,
            lookup: .afterPolicy { [store] id, request in
                guard let row = try? await store.get(id, request.auth) else { throw Fault.notFound("Floating IP not found for ID \(id)") }
                return row
            }
        ) {
            Index(versions: Self.versions, policy: Rules.list) { request in
                Reply(["floating_ips": .array(try await views(try await store.list(NeutronQuery(), request.auth), request))])
            }
            Show(versions: Self.versions, policy: Rules.show) { row, request in Reply(["floating_ip": try await views([row], request)[0]]) }
            Create(body: PoolBody.self, versions: Self.versions, policy: Rules.create) { body, request in
                let pool = body.pool ?? Self.defaultPool
                let matches = try await networks.list(NeutronQuery([("router:external", "true")]), request.auth)
                guard let network = matches.first(where: { $0.row.uuid == pool || $0.row.name == pool })?.row else {
                    throw Fault.notFound("Floating IP pool not found.")
                }
                do {
                    try await quotas.check("floatingip", project: request.auth.projectID)
                } catch let error as NeutronError where error.type == "OverQuota" {
                    throw Fault.forbidden("Maximum number of floating IPs exceeded")
                }
                let row = try await store.create(on: network, project: request.auth.projectID, address: nil, description: "", mapping: nil)
                return Reply(["floating_ip": try await views([row], request)[0]])
            }
            Delete(versions: Self.versions, policy: Rules.delete, status: .accepted) { row, _ in
                try await store.delete(row)
                return .empty
            }
        }
        Actions(on: Servers.key) {
            Action("addFloatingIp", body: AddressBody.self, versions: .through(43), policy: Rules.add) { server, body, request in
                try await add(body, to: server, request)
            }
            Action("removeFloatingIp", body: AddressBody.self, versions: .through(43), policy: Rules.remove) { server, body, request in
                let row = try await address(body.address, request)
                let own = try await ports.list(NeutronQuery([("device_id", server.id)]), request.auth).map(\.row.uuid)
                guard let port = row.portID, own.contains(port) else {
                    throw Fault.conflict("Floating IP \(body.address) is not associated with instance \(server.id).")
                }
                _ = try await store.associate(row, with: nil)
                return .empty
            }
        }
    }

    /// Maps the address to the server's fixed address (the one named, else the first IPv4 one of its first port).
    func add(_ body: AddressBody, to server: Server, _ request: APIRequest) async throws -> Reply {
        let row = try await address(body.address, request)
        let attached = try await ports.list(NeutronQuery([("device_id", server.id)]), request.auth)
        guard !attached.isEmpty else { throw Fault.badRequest("No nw_info cache associated with instance") }
        let candidates = attached.flatMap { port in port.fixedIPs.map { (port, $0.ipAddress) } }
        let chosen =
            if let fixed = body.fixedAddress { candidates.first { $0.1 == fixed } } else { candidates.first { IPAddress($0.1)?.version == 4 } }
        guard let (port, fixed) = chosen else { throw Fault.badRequest("Specified fixed address not assigned to instance") }
        do {
            _ = try await store.associate(row, with: (port, fixed))
        } catch let error as NeutronError where error.code == 409 || error.type == "ExternalGatewayForFloatingIPNotFound" {
            throw Fault.badRequest(error.message)
        }
        return .empty
    }

    /// The caller's floating IP with `address`; none is a 404.
    func address(_ address: String, _ request: APIRequest) async throws -> FloatingIPRow {
        guard let row = try await store.list(NeutronQuery([("floating_ip_address", address)]), request.auth).first else {
            throw Fault.notFound("floating IP not found")
        }
        return row
    }

    /// Nova's view: the pool is the external network's name, the instance the server its port belongs to.
    func views(_ rows: [FloatingIPRow], _ request: APIRequest) async throws -> [JSON] {
        guard !rows.isEmpty else { return [] }
        // The pools' networks and the mapped ports, each read once for the whole list.
        let networkQuery = try NeutronQuery(Set(rows.map(\.floatingNetworkID)).map { ("id", $0) })
        let pools = Dictionary(
            try await networks.list(networkQuery, request.auth).map { ($0.row.uuid, $0.row.name) }, uniquingKeysWith: { first, _ in first })
        let mapped = Set(rows.compactMap(\.portID))
        let servers =
            mapped.isEmpty
            ? [:]
            : Dictionary(
                try await ports.list(try NeutronQuery(mapped.map { ("id", $0) }), request.auth)
                    .filter { $0.row.deviceOwner.hasPrefix("compute:") }.map { ($0.row.uuid, $0.row.deviceID) },
                uniquingKeysWith: { first, _ in first })
        return rows.map { row in
            [
                "id": .string(row.uuid), "ip": .string(row.floatingIPAddress), "fixed_ip": .string(row.fixedIPAddress),
                "instance_id": .string(row.portID.flatMap { servers[$0] }), "pool": .string(pools[row.floatingNetworkID] ?? row.floatingNetworkID),
            ]
        }
    }

    /// `{"pool": "public"}` (or `{}`).
    struct PoolBody: RequestBody {
        let pool: String?

        static func schema(at version: APIVersion) -> Schema { .object(["pool": Schema.string().nullable]) }
    }

    /// `{"addFloatingIp": {"address": "…", "fixed_address": "…"}}` / `{"removeFloatingIp": {"address": "…"}}`
    struct AddressBody: RequestBody {
        let address: String
        let fixedAddress: String?

        enum CodingKeys: String, CodingKey {
            case address
            case fixedAddress = "fixed_address"
        }

        static func schema(at version: APIVersion) -> Schema {
            .object(["address": .string(minLength: 1), "fixed_address": .string()], required: ["address"])
        }
    }
}
