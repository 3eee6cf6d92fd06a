public import NovaKitAPI
public import NovaKitCompute
public import NovaKitCore
public import NovaKitPolicy
public import NovaKitStorage

/// `os-availability-zone`: the one zone instances land in (`nova`), and for admins (`detail`) every host by
/// zone with its services — the compute hosts in `nova`, the control services in `internal`.
public struct AvailabilityZones: APIExtension {
    public static let key = ResourceKey<Never>("os-availability-zone")

    let hosts: [ComputeHost]
    let clock: any NovaClock
    let database: Database

    public init(database: Database, compute: ComputeRuntime, clock: any NovaClock) {
        hosts = compute.configuration.hosts
        self.clock = clock
        self.database = database
    }

    public let descriptor = ExtensionDescriptor(
        name: "AvailabilityZone", alias: "os-availability-zone", namespace: "http://docs.openstack.org/compute/ext/availabilityzone/api/v1.1",
        updated: "2012-12-21T00:00:00Z", description: "1. Add availability_zone to the Create Server API. 2. Add availability zones describing.")

    enum Rules {
        static let list = PolicyDefault("os_compute_api:os-availability-zone:list", "@", description: "List availability zones.")
        static let detail = PolicyDefault(
            "os_compute_api:os-availability-zone:detail", "rule:admin_api", description: "List availability zones with their hosts and services.")
    }

    public var policies: [PolicyDefault] { [Rules.list, Rules.detail] }

    /// The zone every instance is created in.
    public static let zone = "nova"

    public var api: [APIDeclaration] {
        Resource(Self.key) {
            Index(policy: Rules.list) { _ in
                let zones = try await hostsByZone().keys.sorted()
                return Reply([
                    "availabilityZoneInfo": .array(zones.map { ["zoneName": .string($0), "zoneState": ["available": true], "hosts": .null] })
                ])
            }
            CollectionRoute("detail", policy: Rules.detail) { _ in
                let updated = JSON.string(Timestamp.naive(clock.now()))
                let service: JSON = ["available": true, "active": true, "updated_at": updated]
                let control = hosts.first?.name ?? "novakit"
                var info: [JSON] = [
                    [
                        "zoneName": "internal", "zoneState": ["available": true],
                        "hosts": [control: ["nova-conductor": service, "nova-scheduler": service]],
                    ]
                ]
                for (zone, members) in try await hostsByZone().sorted(by: { $0.key < $1.key }) {
                    var computeHosts: JSON = [:]
                    for host in members { computeHosts[host] = ["nova-compute": service] }
                    info.append(["zoneName": .string(zone), "zoneState": ["available": true], "hosts": computeHosts])
                }
                return Reply(["availabilityZoneInfo": .array(info)])
            }
        }
    }

    /// The compute hosts of each zone: an aggregate's zone for its hosts, the default zone for the rest.
    func hostsByZone() async throws -> [String: [String]] {
        let zones = try await AggregateStore.zonesByHost(in: database)
        var members: [String: [String]] = [:]
        for host in hosts { members[zones[host.name] ?? Self.zone, default: []].append(host.name) }
        return members
    }
}
