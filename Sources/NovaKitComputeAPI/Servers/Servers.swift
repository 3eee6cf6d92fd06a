import HTTPTypes
public import NovaKitAPI
public import NovaKitCompute
public import NovaKitCore
import NovaKitImage
public import NovaKitPolicy
public import NovaKitStorage
import SQLKit

/// `servers`: the core compute resource. Create, list, show, update and delete here; actions, metadata and
/// tags in their own files, all declared through the same framework over one `ServerContext`.
public struct Servers: APIExtension {
    public static let key = ResourceKey<Server>("servers")

    let context: ServerContext

    public init(database: Database, clock: any NovaClock, ids: any IDGenerator, compute: ComputeRuntime) {
        context = ServerContext(database: database, clock: clock, ids: ids, compute: compute)
    }

    public let descriptor = ExtensionDescriptor(
        name: "Servers", alias: "servers", namespace: "http://docs.openstack.org/compute/core/servers/v1.1",
        updated: "2011-01-01T00:00:00Z", description: "Servers: instances on the fake compute driver, with Nova's lifecycle.")

    public var policies: [PolicyDefault] { ServerRules.all }

    public var migrations: [SchemaMigration] { ComputeSchema.migrations }

    public var api: [APIDeclaration] {
        Resource(Self.key, lookup: context.servers.lookup()) {
            Index(policy: ServerRules.index) { request in try await context.list(request, detail: false) }
            CollectionRoute("detail", policy: ServerRules.detail) { request in try await context.list(request, detail: true) }
            Create(body: ServerCreateBody.self, policy: ServerRules.create, status: .accepted) { body, request in
                try await context.create(body, request)
            }
            Show(policy: ServerRules.show) { server, request in
                ServerViews.show(server, request, data: try await context.viewData(of: [server], request, groups: true))
            }
            Update(body: ServerUpdateBody.self, policy: ServerRules.update) { server, body, request in
                try await context.update(server, body, request)
            }
            Delete(policy: ServerRules.delete, status: .noContent) { server, request in
                // A server already being deleted takes the request again, as Nova does (a client's cleanup
                // often deletes twice); one that finished in between is simply gone.
                if server.state.task == .deleting { return .empty }
                // With a reclaim interval a server that ever ran is kept, restorable; others go at once.
                let softly = context.compute.configuration.reclaimInterval > 0 && server.launchedAt != nil
                do {
                    try await context.run(softly ? .softDelete : .delete, on: server, request, record: "delete")
                } catch let fault as Fault where fault.code == 409 {
                    guard try await context.servers.exists(server.id) else { return .empty }
                    throw fault
                }
                return .empty
            }
        }
        context.actionDeclarations
        context.shelveDeclarations
        context.consoleDeclarations
        context.rescueDeclarations
        context.liveMigrationDeclarations
        context.evacuateDeclarations
        context.metadataDeclarations
        context.ipsDeclarations
        context.interfaceDeclarations
        context.tagDeclarations
    }
}

/// `PUT /servers/{id}`: `{"server": {"name", "accessIPv4", "accessIPv6", "OS-DCF:diskConfig", "description" (2.19),
/// "hostname" (2.90), "pinned_availability_zone" (2.104)}}`.
struct ServerUpdateBody: RequestBody {
    struct Fields: Decodable, Sendable {
        let name: String?
        let description: Patch<String>?
        let hostname: String?
        let accessIPv4: AccessAddress?
        let accessIPv6: AccessAddress?
        let diskConfig: String?
        /// 2.104: `null` unpins the server from its zone, a zone name pins it there.
        let pinnedAvailabilityZone: Patch<String>?

        enum CodingKeys: String, CodingKey {
            case name, description, hostname, accessIPv4, accessIPv6
            case diskConfig = "OS-DCF:diskConfig"
            case pinnedAvailabilityZone = "pinned_availability_zone"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            description = try container.decodePatch(String.self, forKey: .description)
            hostname = try container.decodeIfPresent(String.self, forKey: .hostname)
            accessIPv4 = try container.decodeIfPresent(AccessAddress.self, forKey: .accessIPv4)
            accessIPv6 = try container.decodeIfPresent(AccessAddress.self, forKey: .accessIPv6)
            diskConfig = try container.decodeIfPresent(String.self, forKey: .diskConfig)
            pinnedAvailabilityZone = try container.decodePatch(String.self, forKey: .pinnedAvailabilityZone)
        }
    }

    let server: Fields

    static func schema(at version: APIVersion) -> Schema {
        var fields: [String: Schema] = [
            "name": .string(minLength: 1, maxLength: 255), "accessIPv4": .string(), "accessIPv6": .string(),
            "OS-DCF:diskConfig": .oneOf(["AUTO", "MANUAL"]),
        ]
        if version >= APIVersion(2, 19) { fields["description"] = Schema.string(maxLength: 255).nullable }
        if version >= APIVersion(2, 90) { fields["hostname"] = ServerCreateBody.hostnameSchema(at: version) }
        if version >= APIVersion(2, 104) { fields["pinned_availability_zone"] = Schema.string(minLength: 1, maxLength: 255).nullable }
        return .object(["server": .object(fields)], required: ["server"])
    }

    /// The columns the update changes: only the given fields; a null description clears it.
    var columns: [(String, any Encodable & Sendable)] {
        var columns: [(String, any Encodable & Sendable)] = []
        if let name = server.name { columns.append(("display_name", name)) }
        if let description = server.description { columns.append(("display_description", description.value)) }
        if let hostname = server.hostname { columns.append(("hostname", hostname)) }
        if let address = server.accessIPv4 { columns.append(("access_ip_v4", address.text)) }
        if let address = server.accessIPv6 { columns.append(("access_ip_v6", address.text)) }
        if let diskConfig = server.diskConfig { columns.append(("auto_disk_config", diskConfig == "AUTO")) }
        if let pinned = server.pinnedAvailabilityZone { columns.append(("availability_zone", pinned.value)) }
        return columns
    }
}

extension ServerContext {
    func update(_ server: Server, _ body: ServerUpdateBody, _ request: APIRequest) async throws -> Reply {
        if let zone = body.server.pinnedAvailabilityZone?.value {
            // A server can be pinned only to the zone it is in now.
            let current = try await currentZone(of: server)
            guard zone == current else {
                throw Fault.conflict("Server \(server.id) is in availability zone \(current); it cannot be pinned to \(zone).")
            }
        }
        try await servers.set(server.id, body.columns)
        let updated = try await servers.get(server.id)
        return Reply(["server": ServerViews.changed(updated, request, data: try await viewData(of: [updated], request, groups: true), rebuild: false)]
        )
    }

    /// The zone a server is in: the one it is pinned to, else its host's.
    func currentZone(of server: Server) async throws -> String {
        if let pinned = server.availabilityZone { return pinned }
        guard let host = server.host else { return AvailabilityZones.zone }
        return try await AggregateStore.zonesByHost(in: database)[host] ?? AvailabilityZones.zone
    }
}
