import Foundation
import HTTPTypes
public import NovaKitAPI
public import NovaKitCompute
public import NovaKitCore
public import NovaKitPolicy

/// `os-hypervisors` (admin): one compute node per registered `nova-compute` service, its capacity from the
/// configured fake host and its usage from the per-host counters.
///
/// Microversions: 2.28 `cpu_info` is an object; 2.33 paging (`limit`, `marker`); 2.53 uuid ids,
/// `hypervisor_hostname_pattern` and `with_servers` replace `/search` and `/servers`; 2.88 drops the usage
/// fields, `/statistics` and `/uptime`, and shows `uptime` in the detail view.
public struct Hypervisors: APIExtension {
    public static let key = ResourceKey<Hypervisor>("os-hypervisors")

    let store: ComputeServiceStore
    let hosts: [ComputeHost]
    let clock: any NovaClock

    public init(compute: ComputeRuntime, clock: any NovaClock) {
        store = compute.services
        hosts = compute.configuration.hosts
        self.clock = clock
    }

    public let descriptor = ExtensionDescriptor(
        name: "Hypervisors", alias: "os-hypervisors", namespace: "http://docs.openstack.org/compute/ext/hypervisors/api/v1.1",
        updated: "2012-06-21T00:00:00Z", description: "Admin-only hypervisor administration.")

    enum Rules {
        static let list = PolicyDefault("os_compute_api:os-hypervisors:list", "rule:admin_api", description: "List all hypervisors.")
        static let detail = PolicyDefault(
            "os_compute_api:os-hypervisors:list-detail", "rule:admin_api", description: "List all hypervisors with details.")
        static let statistics = PolicyDefault(
            "os_compute_api:os-hypervisors:statistics", "rule:admin_api", description: "Show summary statistics for all hypervisors.")
        static let show = PolicyDefault("os_compute_api:os-hypervisors:show", "rule:admin_api", description: "Show a hypervisor.")
        static let uptime = PolicyDefault("os_compute_api:os-hypervisors:uptime", "rule:admin_api", description: "Show a hypervisor's uptime.")
        static let search = PolicyDefault(
            "os_compute_api:os-hypervisors:search", "rule:admin_api", description: "Search hypervisors by host name pattern.")
        static let servers = PolicyDefault(
            "os_compute_api:os-hypervisors:servers", "rule:admin_api", description: "List the servers on hypervisors matching a pattern.")
    }

    public var policies: [PolicyDefault] { [Rules.list, Rules.detail, Rules.statistics, Rules.show, Rules.uptime, Rules.search, Rules.servers] }

    /// Every hypervisor, by id, with its capacity and usage.
    func all() async throws -> [Hypervisor] {
        let usage = try await store.usage()
        let capacity = Dictionary(hosts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return try await store.computes().map { service in
            Hypervisor(
                service: service, capacity: capacity[service.host] ?? ComputeHost(name: service.host, vcpus: 0, memoryMB: 0, diskGB: 0),
                usage: usage[service.host] ?? .none)
        }
    }

    /// The id in the URL: an integer before 2.53 (anything else is not found), a uuid from it (anything else is a 400).
    func lookup(_ id: String, _ request: APIRequest) async throws -> Hypervisor {
        let hypervisors = try await all()
        let notFound = Fault.notFound("Hypervisor \(id) could not be found.")
        if request.version >= APIVersion(2, 53) {
            guard UUID(uuidString: id) != nil else { throw Fault.badRequest("Invalid uuid \(id)") }
            guard let found = hypervisors.first(where: { $0.service.nodeUUID.lowercased() == id.lowercased() }) else { throw notFound }
            return found
        }
        guard let number = Int(id), let found = hypervisors.first(where: { $0.service.id == number }) else { throw notFound }
        return found
    }

    public var api: [APIDeclaration] {
        Resource(Self.key, lookup: .afterPolicy(lookup)) {
            Index(policy: Rules.list) { request in try await list(request, detail: false) }
            CollectionRoute("detail", policy: Rules.detail) { request in try await list(request, detail: true) }
            CollectionRoute("statistics", versions: .through(87), policy: Rules.statistics) { _ in
                Reply(["hypervisor_statistics": Self.statistics(try await all())])
            }
            // Gone from 2.88: a 404 rather than a lookup of a hypervisor called "statistics".
            CollectionRoute("statistics", versions: .from(88), policy: nil) { _ in
                throw Fault.notFound("The resource could not be found.")
            }
            Show(policy: Rules.show) { hypervisor, request in
                let withServers = try Self.withServers(request)
                let servers = withServers ? try await store.instances(on: hypervisor.service.host) : nil
                return Reply(["hypervisor": view(hypervisor, request, detail: true, servers: servers)])
            }
            MemberRoute("uptime", versions: .through(87), policy: Rules.uptime) { hypervisor, request in
                var body = Self.summary(hypervisor, request.version)
                body["uptime"] = .string(uptime())
                return Reply(["hypervisor": body])
            }
            Operation(.named("search"), method: .get, path: "{id}/search", versions: .through(52), policy: Rules.search) { request in
                let matching = try await matching(request.parameter("id"))
                return Reply(["hypervisors": .array(matching.map { Self.summary($0, request.version) })])
            }
            Operation(.named("servers"), method: .get, path: "{id}/servers", versions: .through(52), policy: Rules.servers) { request in
                var views: [JSON] = []
                for hypervisor in try await matching(request.parameter("id")) {
                    var view = Self.summary(hypervisor, request.version)
                    view["servers"] = Self.servers(try await store.instances(on: hypervisor.service.host))
                    views.append(view)
                }
                return Reply(["hypervisors": .array(views)])
            }
        }
    }

    /// The hypervisors whose host name contains `pattern` (Nova's `LIKE %pattern%`); none is a 404.
    func matching(_ pattern: String) async throws -> [Hypervisor] {
        let found = try await all().filter { $0.service.host.localizedCaseInsensitiveContains(pattern) }
        guard !found.isEmpty else { throw Fault.notFound("No hypervisor matching '\(pattern)' could be found.") }
        return found
    }

    /// `with_servers` (2.53): a boolean query parameter.
    static func withServers(_ request: APIRequest) throws -> Bool {
        guard request.version >= APIVersion(2, 53) else { return false }
        return try request.queryBool("with_servers") ?? false
    }

    /// The list and detail list: from 2.33 paged by `limit`/`marker` (an id, a uuid from 2.53), from 2.53
    /// filtered by `hypervisor_hostname_pattern` (which refuses paging and finds at least one).
    func list(_ request: APIRequest, detail: Bool) async throws -> Reply {
        var hypervisors = try await all()
        let withServers = try Self.withServers(request)
        let paged = request.version >= APIVersion(2, 33)
        if request.version >= APIVersion(2, 53), let pattern = request.queryValue("hypervisor_hostname_pattern") {
            guard request.queryValue("limit") == nil, request.queryValue("marker") == nil else {
                throw Fault.badRequest("Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported.")
            }
            hypervisors = try await matching(pattern)
        }
        var links: JSON?
        if paged {
            let (limit, marker) = try request.pagination()
            let key = { (hypervisor: Hypervisor) in Self.id(hypervisor, request.version).stringValue ?? "\(hypervisor.service.id)" }
            hypervisors = try request.page(hypervisors, limit: limit, marker: marker, key: key)
            if request.queryValue("limit") != nil {
                let collection = "os-hypervisors" + (detail ? "/detail" : "")
                links = request.nextLinks(collection, page: hypervisors.count, limit: limit, lastMarker: hypervisors.last.map(key))
            }
        }
        var views: [JSON] = []
        for hypervisor in hypervisors {
            let servers = withServers ? try await store.instances(on: hypervisor.service.host) : nil
            views.append(view(hypervisor, request, detail: detail, servers: servers))
        }
        var body: JSON = ["hypervisors": .array(views)]
        if let links { body["hypervisors_links"] = links }
        return Reply(body)
    }

    static func id(_ hypervisor: Hypervisor, _ version: APIVersion) -> JSON {
        version >= APIVersion(2, 53) ? .string(hypervisor.service.nodeUUID) : .int(hypervisor.service.id)
    }

    static func summary(_ hypervisor: Hypervisor, _ version: APIVersion) -> JSON {
        [
            "id": id(hypervisor, version), "hypervisor_hostname": .string(hypervisor.service.host),
            "state": .string(hypervisor.service.state), "status": .string(hypervisor.service.status),
        ]
    }

    static func servers(_ instances: [(uuid: String, name: String)]) -> JSON {
        .array(instances.map { ["uuid": .string($0.uuid), "name": .string($0.name)] })
    }

    /// Nova's hypervisor view: the summary, and for details the node's capacity, usage and service.
    func view(_ hypervisor: Hypervisor, _ request: APIRequest, detail: Bool, servers: [(uuid: String, name: String)]?) -> JSON {
        let version = request.version
        var view = Self.summary(hypervisor, version)
        if let servers { view["servers"] = Self.servers(servers) }
        guard detail else { return view }
        let service = hypervisor.service
        view["hypervisor_type"] = "fake"
        view["hypervisor_version"] = 1000
        view["host_ip"] = "127.0.0.1"
        view["service"] = [
            "host": .string(service.host), "id": version >= APIVersion(2, 53) ? .string(service.uuid) : .int(service.id),
            "disabled_reason": .string(service.disabledReason),
        ]
        if version >= APIVersion(2, 88) {
            view["uptime"] = .string(uptime())
            return view
        }
        let cpuInfo: JSON = [
            "arch": "x86_64", "model": "Nehalem", "vendor": "Intel", "features": ["pge", "clflush"],
            "topology": ["cores": 1, "threads": 1, "sockets": .int(hypervisor.capacity.vcpus)],
        ]
        view["cpu_info"] = version >= APIVersion(2, 28) ? cpuInfo : .string(String(decoding: cpuInfo.encoded(), as: UTF8.self))
        for (key, value) in Self.usageFields(hypervisor) { view[key] = .int(value) }
        view["disk_available_least"] = .int(hypervisor.capacity.diskGB - hypervisor.usage.resources.diskGB)
        return view
    }

    /// The capacity and usage fields a detail view (before 2.88) and the statistics share.
    static func usageFields(_ hypervisor: Hypervisor) -> [String: Int] {
        let (capacity, used) = (hypervisor.capacity, hypervisor.usage.resources)
        return [
            "vcpus": capacity.vcpus, "vcpus_used": used.vcpus, "memory_mb": capacity.memoryMB, "memory_mb_used": used.memoryMB,
            "free_ram_mb": capacity.memoryMB - used.memoryMB, "local_gb": capacity.diskGB, "local_gb_used": used.diskGB,
            "free_disk_gb": capacity.diskGB - used.diskGB, "running_vms": hypervisor.usage.instances, "current_workload": 0,
        ]
    }

    static func statistics(_ hypervisors: [Hypervisor]) -> JSON {
        var totals: [String: Int] = ["count": hypervisors.count, "disk_available_least": 0]
        for hypervisor in hypervisors {
            for (key, value) in usageFields(hypervisor) { totals[key, default: 0] += value }
            totals["disk_available_least", default: 0] += hypervisor.capacity.diskGB - hypervisor.usage.resources.diskGB
        }
        return .object(totals.mapValues { .int($0) })
    }

    /// An uptime(1) line, as libvirt's driver reports it.
    func uptime() -> String {
        let now = Timestamp.naive(clock.now())
        let time = now.dropFirst(11).prefix(8)
        return " \(time) up 1 day, 0:00,  1 user,  load average: 0.00, 0.00, 0.00"
    }
}

/// A compute node: the `nova-compute` service record, the host's capacity and what its instances hold.
public struct Hypervisor: Sendable {
    public let service: ComputeService
    public let capacity: ComputeHost
    public let usage: HostUsage
}
