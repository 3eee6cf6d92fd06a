import HTTPTypes
public import NovaKitAPI
import NovaKitCompute
public import NovaKitCore
public import NovaKitPolicy
public import NovaKitStorage

/// `POST /os-server-external-events`: what Neutron and Cinder tell Nova about its instances (a port changed,
/// a volume grew). The fake driver has nothing to wait for, so an event for a live instance on a host is
/// accepted (code 200); one for an unknown instance is a 404 and one for an instance without a host a 422, each
/// in its own entry; a mixed batch answers 207, a batch nothing accepted 404 — as Nova.
public struct ServerExternalEvents: APIExtension {
    public static let key = ResourceKey<Never>("os-server-external-events")

    let servers: ServerStore

    public init(database: Database, clock: any NovaClock) {
        servers = ServerStore(database: database, clock: clock)
    }

    public let descriptor = ExtensionDescriptor(
        name: "ServerExternalEvents", alias: "os-server-external-events",
        namespace: "http://docs.openstack.org/compute/ext/server-external-events/api/v2", updated: "2014-02-18T00:00:00Z",
        description: "Server External Event Triggers.")

    static let rule = PolicyDefault(
        "os_compute_api:os-server-external-events:create", "rule:admin_api or role:service", description: "Deliver external events.")

    public var policies: [PolicyDefault] { [Self.rule] }

    /// `{"events": [{"name", "server_uuid", "status", "tag"}, …]}`; event names by microversion.
    struct Body: RequestBody {
        struct Event: Decodable, Sendable {
            let name: String
            let serverUUID: String
            let status: String?
            let tag: String?

            enum CodingKeys: String, CodingKey {
                case name, status, tag
                case serverUUID = "server_uuid"
            }
        }

        let events: [Event]

        static func schema(at version: APIVersion) -> Schema {
            var names: [JSON] = ["network-changed", "network-vif-plugged", "network-vif-unplugged", "network-vif-deleted"]
            if version >= APIVersion(2, 51) { names.append("volume-extended") }
            if version >= APIVersion(2, 76) { names.append("power-update") }
            if version >= APIVersion(2, 82) { names.append("accelerator-request-bound") }
            if version >= APIVersion(2, 93) { names.append("volume-reimaged") }
            let event = Schema.object(
                [
                    "name": .oneOf(names), "server_uuid": .string(minLength: 1, maxLength: 36),
                    "status": .oneOf(["failed", "completed", "in-progress"]), "tag": .string(maxLength: 255),
                ], required: ["name", "server_uuid"])
            return .object(["events": .array(event, minItems: 1)], required: ["events"])
        }
    }

    public var api: [APIDeclaration] {
        Resource(Self.key) {
            Create(body: Body.self, policy: Self.rule) { body, _ in
                var results: [JSON] = []
                for event in body.events {
                    var entry: JSON = [
                        "name": .string(event.name), "server_uuid": .string(event.serverUUID), "status": .string(event.status ?? "completed"),
                    ]
                    if let tag = event.tag { entry["tag"] = .string(tag) }
                    do {
                        let server = try await servers.get(event.serverUUID)
                        entry["code"] = server.host == nil ? 422 : 200
                    } catch is InstanceNotFound {
                        entry["code"] = 404
                    }
                    results.append(entry)
                }
                let codes = results.compactMap { $0["code"]?.intValue }
                guard codes.contains(200) else { throw Fault.notFound("No instances found for any event") }
                return Reply(["events": .array(results)], status: codes.allSatisfy { $0 == 200 } ? .ok : .init(code: 207))
            }
        }
    }
}
