import Foundation
import NovaKitCore
import NovaKitHTTP
import NovaKitNetwork
import NovaKitStorage
import SQLKit

/// Where one of a new server's interfaces comes from: the simulated `private` network, a network of the
/// network service (compute makes a port on it), or a port the caller made.
enum NetworkChoice: Sendable {
    case simulated
    case network(NetworkRow, fixedIP: String?)
    case port(NovaKitNetwork.Port, network: NetworkRow)
}

/// A create's `networks`, checked against the network service when the server is planned, and turned into
/// ports and addresses in the create's transaction — as Nova asks Neutron before it schedules.
struct ServerNetworks: Sendable {
    let database: Database
    let clock: any NovaClock
    let ids: any IDGenerator

    /// The interfaces each new server gets. `auto` and an absent `networks` mean the project's available
    /// network (see `available`); `auto` with none makes the project's own ("get me a network").
    func resolve(_ request: NetworkRequest?, count: Int, auth: AuthContext) async throws -> [NetworkChoice] {
        let networks = NetworkStore(database: database, clock: clock, ids: ids)
        guard let request else { return try await available(auth, allocating: false) }
        guard let entries = request.entries else { return request.wantsAddress ? try await available(auth, allocating: true) : [] }
        var choices: [NetworkChoice] = []
        for entry in entries {
            if let portID = entry.port {
                guard let port = try? await PortStore(database: database, clock: clock, ids: ids).get(portID, auth) else {
                    throw Fault.notFound("Port \(portID) could not be found.")
                }
                guard port.row.deviceID.isEmpty else { throw Fault.conflict("Port \(portID) is still in use.") }
                guard count == 1 else {
                    throw Fault.badRequest(
                        "Unable to launch multiple instances with a single configured port ID. Please launch your instance one by one with different ports."
                    )
                }
                guard let network = try await networks.row(port.row.networkID, auth) else {
                    throw Fault.badRequest("Network \(port.row.networkID) could not be found.")
                }
                choices.append(.port(port, network: network))
                continue
            }
            guard let uuid = entry.uuid else { throw Fault.badRequest("Bad networks format: network uuid is not in proper format (None)") }
            guard let found = try await networks.find(uuid, auth) else {
                guard uuid == SimulatedNetwork.id else { throw Fault.badRequest("Network \(uuid) could not be found.") }
                choices.append(.simulated)
                continue
            }
            let network = found.row
            guard !found.subnets.isEmpty else {
                throw Fault.badRequest("Network \(uuid) requires a subnet in order to boot instances on.")
            }
            if entry.fixedIP != nil, count > 1 { throw Fault.badRequest("max_count cannot be greater than 1 if an fixed_ip is specified.") }
            choices.append(.network(network, fixedIP: entry.fixedIP))
        }
        return choices
    }

    /// Nova's choice when a request names no network: the one network the project may use. Unlike Nova, a
    /// project's own network wins over shared ones — bootstrap shares `private` with every project (where a
    /// standard deployment's belongs to one), and a project that made its own network means that one.
    /// Several candidates are Nova's 409; none is no interface, or with `allocating` the project's
    /// auto-allocated topology, made now if it is the first time.
    func available(_ auth: AuthContext, allocating: Bool) async throws -> [NetworkChoice] {
        let networks = NetworkStore(database: database, clock: clock, ids: ids)
        let (own, shared) = try await networks.available(to: auth.projectID)
        let candidates = own.isEmpty ? shared : own
        guard candidates.count <= 1 else { throw Fault.conflict("Multiple possible networks found, use a Network ID to be more specific.") }
        var chosen = candidates.first?.uuid
        if chosen == nil, allocating {
            do {
                chosen = try await AutoAllocatedTopology(database: database, clock: clock, ids: ids).ensure(project: auth.projectID).networkID
            } catch is NeutronError {
                throw Fault.badRequest("Unable to automatically allocate a network for project \(auth.projectID)")
            }
        }
        guard let chosen else { return [] }
        guard let found = try await networks.find(chosen, auth), !found.subnets.isEmpty else {
            throw Fault.badRequest("Network \(chosen) requires a subnet in order to boot instances on.")
        }
        return [.network(found.row, fixedIP: nil)]
    }

    /// How many of `count` servers the project's port quota leaves room for, as Nova asks Neutron before it
    /// builds: each server needs a new port per network it names (given ports already exist). Fewer than the
    /// minimum is Nova's 403; between the minimum and the maximum, the maximum shrinks to what fits.
    func instancesWithinPortQuota(_ choices: [NetworkChoice], count: (min: Int, max: Int), project: String) async throws -> Int {
        let perInstance = choices.count { if case .network = $0 { true } else { false } }
        guard perInstance > 0,
            let free = try await NetworkQuotaStore(database: database, clock: clock).headroom("port", project: project)
        else { return count.max }
        let fits = free < 0 ? 0 : min(count.max, free / perInstance)
        guard fits >= count.min else { throw Fault(code: 403, message: "Maximum number of ports exceeded") }
        return fits
    }

    /// The ids of the project's groups called `names` (its `default` made on first use).
    func securityGroupIDs(_ names: [String], project: String) async throws -> [String] {
        let groups = try await SecurityGroupStore(database: database, clock: clock, ids: ids).list(project: project)
        return names.compactMap { name in groups.first { $0.name == name }?.id }
    }

    /// In the create's transaction: a port for each network (the new server's own, deleted with it), the given
    /// ports bound to the server, and the addresses they carry.
    static func attach(
        _ choices: [NetworkChoice], server: String, project: String, host: String?, zone: String?, securityGroups: [String], at now: Date,
        ids: any IDGenerator, _ sql: any SQLDatabase
    ) async throws -> [NetworkAddress] {
        var addresses: [NetworkAddress] = []
        let owner = "compute:\(zone ?? AvailabilityZones.zone)"
        for choice in choices {
            switch choice {
            case .simulated:
                addresses.append(ServerContext.fixedAddress(ids.uuid()))
            case .network(let network, let fixedIP):
                var request = PortRequest(network: network, projectID: project)
                request.deviceID = server
                request.deviceOwner = owner
                request.bindingHost = host
                request.computeOwned = true
                request.securityGroups = securityGroups
                if let fixedIP { request.fixedIPs = [.init(subnetID: nil, ipAddress: fixedIP)] }
                let port = try await PortStore.create(request, id: ids.uuid(), at: now, sql)
                addresses += port.fixedIPs.map { NetworkAddress(network: network.name, address: $0.ipAddress, mac: port.row.macAddress) }
            case .port(let port, let network):
                guard try await PortStore.bind(port.row.uuid, device: server, owner: owner, host: host, at: now, sql) else {
                    throw Fault.conflict("Port \(port.row.uuid) is still in use.")
                }
                addresses += port.fixedIPs.map { NetworkAddress(network: network.name, address: $0.ipAddress, mac: port.row.macAddress) }
            }
        }
        return addresses
    }
}
