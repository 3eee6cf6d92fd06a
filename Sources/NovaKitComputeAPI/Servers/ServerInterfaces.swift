import Foundation
import HTTPTypes
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitHTTP
import NovaKitNetwork
import NovaKitStorage

/// `servers/{id}/os-interface`: the server's ports in the network service. Attaching makes a port on a network
/// (or binds a free one), detaching deletes the port compute made or unbinds the one it was given; both keep
/// the server's addresses in step and are recorded as instance actions, as in Nova.
extension ServerContext {
    static let interfacesKey = ResourceKey<Server>("os-interface", under: Servers.key, parameter: "server_id")

    @APIBuilder var interfaceDeclarations: [APIDeclaration] {
        Resource(Self.interfacesKey) {
            Index(policy: ServerRules.interfacesList) { server, request in
                let attached = try await interfaces(of: server, request)
                return Reply(["interfaceAttachments": .array(attached.map { Self.interfaceView($0, request) })])
            }
            Show(policy: ServerRules.interfacesShow) { server, request in
                let portID = request.parameter("id")
                guard let port = try await interfaces(of: server, request).first(where: { $0.row.uuid == portID }) else {
                    throw Fault.notFound("Instance \(server.id) is not attached to port \(portID)")
                }
                return Reply(["interfaceAttachment": Self.interfaceView(port, request)])
            }
            Create(body: InterfaceAttachmentBody.self, policy: ServerRules.interfacesCreate) { server, body, request in
                try await attachInterface(server, body.attachment, request)
            }
            Delete(policy: ServerRules.interfacesDelete, status: .accepted) { server, request in
                try await detachInterface(server, portID: request.parameter("id"), request)
            }
        }
    }

    /// The server's ports, oldest first.
    func interfaces(of server: Server, _ request: APIRequest) async throws -> [NovaKitNetwork.Port] {
        let admin = AuthContext(userID: request.auth.userID, projectID: server.projectID, roles: request.auth.roles, isAdmin: true)
        return try await PortStore(database: database, clock: clock, ids: ids).list(NeutronQuery([("device_id", server.id)]), admin)
    }

    /// Nova's attachment view (`tag` from 2.70, always null here: NovaKit keeps no device tags).
    static func interfaceView(_ port: NovaKitNetwork.Port, _ request: APIRequest) -> JSON {
        var view: JSON = [
            "port_state": port.row.deviceID.isEmpty ? "DOWN" : "ACTIVE", "port_id": .string(port.row.uuid), "net_id": .string(port.row.networkID),
            "mac_addr": .string(port.row.macAddress),
            "fixed_ips": .array(port.fixedIPs.map { ["subnet_id": .string($0.subnetID), "ip_address": .string($0.ipAddress)] }),
        ]
        if request.version >= APIVersion(2, 70) { view["tag"] = .null }
        return view
    }

    /// Attaching and detaching need a settled server that is running, paused or stopped, and not locked.
    func checkInterfaceChange(_ server: Server, _ verb: String, _ request: APIRequest) throws {
        guard [.active, .paused, .stopped].contains(server.state.vm), server.state.task == nil else {
            throw Fault.conflict(
                "Cannot '\(verb)' instance \(server.id) while it is in "
                    + (server.state.task.map { "task_state \($0.rawValue)" } ?? "vm_state \(server.state.vm.rawValue)"))
        }
        try checkLock(server, request)
    }

    func attachInterface(_ server: Server, _ body: InterfaceAttachmentBody.Attachment?, _ request: APIRequest) async throws -> Reply {
        try checkInterfaceChange(server, "attach_interface", request)
        let networks = ServerNetworks(database: database, clock: clock, ids: ids)
        let choices: [NetworkChoice]
        if let portID = body?.portID {
            guard body?.netID == nil else { throw Fault.badRequest("Must not input both network_id and port_id") }
            choices = try await networks.resolve(
                NetworkRequest(entries: [.init(uuid: nil, port: portID, fixedIP: nil)]), count: 1, auth: request.auth)
        } else if let netID = body?.netID {
            let entry = NetworkRequest.Entry(uuid: netID, port: nil, fixedIP: body?.fixedIPs?.first?.ipAddress)
            choices = try await networks.resolve(NetworkRequest(entries: [entry]), count: 1, auth: request.auth)
        } else {
            // Neither: the network the project would boot on (Nova's available networks).
            guard body?.fixedIPs == nil else { throw Fault.badRequest("Must input network_id when request IP address") }
            choices = try await networks.available(request.auth, allocating: false)
            guard !choices.isEmpty else { throw Fault.badRequest("No network is available for project \(request.auth.projectID) to attach.") }
        }
        let groups = try await networks.securityGroupIDs(server.securityGroups, project: server.projectID)
        let (ids, now, zone) = (ids, clock.now(), server.availabilityZone)
        let added = try await database.transaction { sql in
            try await ServerNetworks.attach(
                choices, server: server.id, project: server.projectID, host: server.host, zone: zone, securityGroups: groups, at: now, ids: ids, sql)
        }
        try await servers.set(server.id, [("network_info", NetworkAddress.text(of: server.addresses + added))])
        try await actions.start("attach_interface", instance: server.id, request: request)
        guard let mac = added.first?.mac, let port = try await interfaces(of: server, request).first(where: { $0.row.macAddress == mac }) else {
            throw Fault.badRequest("The interface could not be attached: the network has no address for it.")
        }
        return Reply(["interfaceAttachment": Self.interfaceView(port, request)])
    }

    func detachInterface(_ server: Server, portID: String, _ request: APIRequest) async throws -> Reply {
        try checkInterfaceChange(server, "detach_interface", request)
        guard let port = try await interfaces(of: server, request).first(where: { $0.row.uuid == portID }) else {
            throw Fault.notFound("Port \(portID) is not attached")
        }
        let now = clock.now()
        try await database.transaction { sql in try await PortStore.release(port: port.row, at: now, sql) }
        try await servers.set(server.id, [("network_info", NetworkAddress.text(of: server.addresses.filter { $0.mac != port.row.macAddress }))])
        try await actions.start("detach_interface", instance: server.id, request: request)
        return .empty
    }
}

/// `{"interfaceAttachment": {"port_id" | "net_id", "fixed_ips": [{"ip_address"}], "tag" (2.49)}}`; an empty
/// body attaches to the default network.
struct InterfaceAttachmentBody: RequestBody {
    struct Attachment: Decodable, Sendable {
        struct FixedIP: Decodable, Sendable {
            let ipAddress: String
            enum CodingKeys: String, CodingKey { case ipAddress = "ip_address" }
        }
        let portID: String?
        let netID: String?
        let fixedIPs: [FixedIP]?

        enum CodingKeys: String, CodingKey {
            case portID = "port_id"
            case netID = "net_id"
            case fixedIPs = "fixed_ips"
        }
    }

    let attachment: Attachment?

    enum CodingKeys: String, CodingKey { case attachment = "interfaceAttachment" }

    static func schema(at version: APIVersion) -> Schema {
        var fields: [String: Schema] = [
            "net_id": .string(), "port_id": .string(),
            "fixed_ips": Schema(types: [.array], maxItems: 1, items: .object(["ip_address": .string()], required: ["ip_address"])),
        ]
        if version >= APIVersion(2, 49) { fields["tag"] = .string(minLength: 1, maxLength: 60) }
        return .object(["interfaceAttachment": .object(fields)])
    }
}
