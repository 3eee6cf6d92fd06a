import Foundation
public import NovaKitAPI
import NovaKitCompute
public import NovaKitCore
public import NovaKitPolicy

/// `GET /servers/{id}/diagnostics` (admin): what the fake driver reports of a running instance — before
/// 2.48 in libvirt's free-form keys, from 2.48 in Nova's standard shape. An instance that is not running
/// has no diagnostics (409, as Nova).
public struct ServerDiagnostics: APIExtension {
    public static let key = ResourceKey<Server>("diagnostics", under: Servers.key, parameter: "server_id")

    let clock: any NovaClock

    public init(clock: any NovaClock) {
        self.clock = clock
    }

    public let descriptor = ExtensionDescriptor(
        name: "ServerDiagnostics", alias: "os-server-diagnostics", namespace: "http://docs.openstack.org/compute/ext/server-diagnostics/api/v1.1",
        updated: "2011-12-21T00:00:00Z", description: "Allow Admins to view server diagnostics through server action.")

    static let rule = PolicyDefault("os_compute_api:os-server-diagnostics", "rule:admin_api", description: "Show a server's diagnostics.")

    public var policies: [PolicyDefault] { [Self.rule] }

    public var api: [APIDeclaration] {
        Resource(Self.key) {
            Index(policy: Self.rule) { server, request in
                guard server.state.power == .running else {
                    throw Fault.conflict(
                        "Instance \(server.id) in power state \(Self.powerStateName(server.state.power)). "
                            + "Cannot get_diagnostics while the instance is in this state.")
                }
                let uptime = server.launchedAt.map { max(0, Int(clock.now().timeIntervalSince($0))) } ?? 0
                return Reply(request.version >= APIVersion(2, 48) ? Self.standard(server, uptime: uptime) : Self.libvirt(server, uptime: uptime))
            }
        }
    }

    static func powerStateName(_ state: PowerState) -> String {
        switch state {
        case .noState: "pending"
        case .running: "running"
        case .paused: "paused"
        case .shutdown: "shutdown"
        case .crashed: "crashed"
        case .suspended: "suspended"
        }
    }

    /// Nova's standard diagnostics (2.48): the simulated instance has no traffic or disk activity yet.
    static func standard(_ server: Server, uptime: Int) -> JSON {
        let counters = ["rx_octets", "rx_errors", "rx_drop", "rx_packets", "rx_rate", "tx_octets", "tx_errors", "tx_drop", "tx_packets", "tx_rate"]
        let nic = { (mac: String) -> JSON in
            var entry: JSON = ["mac_address": .string(mac)]
            for counter in counters { entry[counter] = 0 }
            return entry
        }
        return [
            "state": .string(powerStateName(server.state.power)), "driver": "libvirt", "hypervisor": "fake", "hypervisor_os": "novakit",
            "uptime": .int(uptime), "config_drive": .bool(server.configDrive), "num_cpus": .int(server.flavor.vcpus),
            "num_nics": .int(server.addresses.count), "num_disks": 1,
            "memory_details": ["maximum": .int(server.flavor.ram), "used": 0],
            "cpu_details": .array((0..<server.flavor.vcpus).map { ["id": .int($0), "time": 0, "utilisation": 0] }),
            "nic_details": .array(server.addresses.map { nic($0.mac) }),
            "disk_details": [["read_bytes": 0, "read_requests": 0, "write_bytes": 0, "write_requests": 0, "errors_count": 0]],
        ]
    }

    /// The driver-specific keys Nova's libvirt driver reported before 2.48.
    static func libvirt(_ server: Server, uptime: Int) -> JSON {
        var view: JSON = [
            "memory": .int(server.flavor.ram * 1024), "memory-actual": .int(server.flavor.ram * 1024), "memory-rss": 0,
            "vda_read": 0, "vda_read_req": 0, "vda_write": 0, "vda_write_req": 0, "vda_errors": -1, "uptime": .int(uptime),
        ]
        for cpu in 0..<server.flavor.vcpus { view["cpu\(cpu)_time"] = 0 }
        for (index, _) in server.addresses.enumerated() {
            for counter in ["rx", "rx_drop", "rx_errors", "rx_packets", "tx", "tx_drop", "tx_errors", "tx_packets"] {
                view["tap\(index)_\(counter)"] = 0
            }
        }
        return view
    }
}
