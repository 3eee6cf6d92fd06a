import Foundation
import HTTPTypes
public import NovaKitAPI
public import NovaKitCompute
public import NovaKitCore
public import NovaKitPolicy
public import NovaKitStorage

/// `os-hosts` (admin, through 2.42, deprecated in Nova for os-services and os-hypervisors): every service's
/// host by topic and zone, a compute host's resources (total, used now, used at most, per project),
/// enabling or disabling it (its compute service) and the fake driver's maintenance mode and power actions.
public struct Hosts: APIExtension {
    public static let key = ResourceKey<ComputeService>("os-hosts")

    let store: ComputeServiceStore
    let hosts: [ComputeHost]
    let clock: any NovaClock
    let database: Database

    public init(database: Database, compute: ComputeRuntime, clock: any NovaClock) {
        store = compute.services
        hosts = compute.configuration.hosts
        self.clock = clock
        self.database = database
    }

    public let descriptor = ExtensionDescriptor(
        name: "Hosts", alias: "os-hosts", namespace: "http://docs.openstack.org/compute/ext/hosts/api/v1.1", updated: "2011-06-29T00:00:00Z",
        description: "Admin-only host administration.")

    enum Rules {
        static let list = PolicyDefault("os_compute_api:os-hosts:list", "rule:admin_api", description: "List physical hosts.")
        static let show = PolicyDefault("os_compute_api:os-hosts:show", "rule:admin_api", description: "Show a physical host's resources.")
        static let update = PolicyDefault("os_compute_api:os-hosts:update", "rule:admin_api", description: "Update a physical host.")
        static let reboot = PolicyDefault("os_compute_api:os-hosts:reboot", "rule:admin_api", description: "Reboot a physical host.")
        static let shutdown = PolicyDefault("os_compute_api:os-hosts:shutdown", "rule:admin_api", description: "Shut down a physical host.")
        static let start = PolicyDefault("os_compute_api:os-hosts:start", "rule:admin_api", description: "Start a physical host.")
    }

    public var policies: [PolicyDefault] { [Rules.list, Rules.show, Rules.update, Rules.reboot, Rules.shutdown, Rules.start] }

    static let versions = VersionRange.through(42)

    /// The compute service of the host named in the URL; any other name is Nova's `ComputeHostNotFound`.
    func lookup(_ name: String, _ request: APIRequest) async throws -> ComputeService {
        guard let service = try await store.computes().first(where: { $0.host == name }) else {
            throw Fault.notFound("Compute host \(name) could not be found.")
        }
        return service
    }

    public var api: [APIDeclaration] {
        Resource(Self.key, lookup: .afterPolicy(lookup)) {
            Index(versions: Self.versions, policy: Rules.list) { request in
                let zone = request.queryValue("zone").flatMap { $0.isEmpty ? nil : $0 }
                let zones = try await AggregateStore.zonesByHost(in: database)
                let views: [JSON] = try await store.all().compactMap { service in
                    let serviceZone = service.isCompute ? zones[service.host] ?? AvailabilityZones.zone : "internal"
                    guard zone == nil || zone == serviceZone else { return nil }
                    return ["host_name": .string(service.host), "service": .string(service.topic), "zone": .string(serviceZone)]
                }
                return Reply(["hosts": .array(views)])
            }
            Show(versions: Self.versions, policy: Rules.show) { service, _ in Reply(["host": try await resources(of: service.host)]) }
            Update(body: UpdateBody.self, versions: Self.versions, policy: Rules.update) { service, body, _ in
                var reply: JSON = ["host": .string(service.host)]
                if let enable = body.status {
                    var changed = service
                    changed.disabled = !enable
                    changed.disabledReason = nil
                    _ = try await store.update(changed)
                    reply["status"] = enable ? "enabled" : "disabled"
                }
                if let maintenance = body.maintenanceMode { reply["maintenance_mode"] = maintenance ? "on_maintenance" : "off_maintenance" }
                return Reply(reply)
            }
            for (action, rule) in [("startup", Rules.start), ("shutdown", Rules.shutdown), ("reboot", Rules.reboot)] {
                MemberRoute(action, versions: Self.versions, policy: rule) { service, _ in
                    Reply(["host": .string(service.host), "power_action": .string(action)])
                }
            }
        }
    }

    /// Nova's host resources: the host's total, what its instances use now, at most (the same for the fake
    /// driver), and per project.
    func resources(of host: String) async throws -> JSON {
        let capacity = hosts.first { $0.name == host } ?? ComputeHost(name: host, vcpus: 0, memoryMB: 0, diskGB: 0)
        let used = try await store.usage()[host]?.resources ?? .zero
        let resource = { (project: String, resources: Resources) -> JSON in
            [
                "resource": [
                    "host": .string(host), "project": .string(project), "cpu": .int(resources.vcpus), "memory_mb": .int(resources.memoryMB),
                    "disk_gb": .int(resources.diskGB),
                ]
            ]
        }
        var rows = [
            resource("(total)", Resources(vcpus: capacity.vcpus, memoryMB: capacity.memoryMB, diskGB: capacity.diskGB)),
            resource("(used_now)", used), resource("(used_max)", used),
        ]
        for (project, usage) in try await store.projectUsage(on: host).sorted(by: { $0.key < $1.key }) { rows.append(resource(project, usage)) }
        return .array(rows)
    }

    /// `{"status": "enable"|"disable", "maintenance_mode": "enable"|"disable"}`, at least one.
    struct UpdateBody: RequestBody {
        let status: Bool?
        let maintenanceMode: Bool?

        enum CodingKeys: String, CodingKey {
            case status
            case maintenanceMode = "maintenance_mode"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            status = try container.decodeIfPresent(String.self, forKey: .status).map { $0.lowercased() == "enable" }
            maintenanceMode = try container.decodeIfPresent(String.self, forKey: .maintenanceMode).map { $0.lowercased() == "enable" }
            guard status != nil || maintenanceMode != nil else {
                throw Fault.badRequest("'status' or 'maintenance_mode' needed for host update")
            }
        }

        static func schema(at version: APIVersion) -> Schema {
            let choice = Schema.oneOf(["enable", "disable", "Enable", "Disable", "ENABLE", "DISABLE"])
            return .object(["status": choice, "maintenance_mode": choice])
        }
    }
}
