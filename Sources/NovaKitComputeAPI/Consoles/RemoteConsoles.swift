import Foundation
import HTTPTypes
public import NovaKitAPI
import NovaKitCompute
public import NovaKitCore
import NovaKitHTTP
public import NovaKitPolicy
public import NovaKitStorage

/// Remote consoles: `POST /servers/{id}/remote-consoles` (2.6+) and, before it, the `os-getVNCConsole` family of
/// actions hand out a console URL with a token; `os-console-auth-tokens/{token}` (admin) turns a token back
/// into the connection it grants. Like Nova's defaults, only VNC consoles (noVNC, XVP) are enabled; NovaKit
/// serves no console proxy itself, so the URL names where Nova's proxy would listen on the API's host.
public struct RemoteConsoles: APIExtension {
    static let key = ResourceKey<Server>("remote-consoles", under: Servers.key, parameter: "server_id")
    static let tokenKey = ResourceKey<Never>("os-console-auth-tokens")

    let tokens: ConsoleTokenStore

    public init(database: Database, clock: any NovaClock) {
        tokens = ConsoleTokenStore(database: database, clock: clock)
    }

    public let descriptor = ExtensionDescriptor(
        name: "Consoles", alias: "os-consoles", namespace: "http://docs.openstack.org/compute/ext/os-consoles/api/v2",
        updated: "2011-12-23T00:00:00Z", description: "Remote console URLs and their tokens.")

    enum Rules {
        static let create = PolicyDefault(
            "os_compute_api:os-remote-consoles", "rule:admin_or_owner", description: "Get a remote console URL for a server.")
        static let token = PolicyDefault(
            "os_compute_api:os-console-auth-tokens", "rule:admin_api", description: "Show the connection a console token grants.")
    }

    public var policies: [PolicyDefault] { [Rules.create, Rules.token] }
    public var migrations: [SchemaMigration] { [ConsoleTokenStore.migration] }

    /// The console types this deployment has, by protocol, with the proxy port and path Nova's defaults use.
    static let enabled: [String: (protocol: String, port: Int, path: String)] = [
        "novnc": ("vnc", 6080, "/vnc_auto.html"), "xvpvnc": ("vnc", 6081, "/console"),
    ]
    static let protocolTypes: [String: Set<String>] = [
        "vnc": ["novnc", "xvpvnc"], "spice": ["spice-html5", "spice-direct"], "rdp": ["rdp-html5"], "serial": ["serial"], "mks": ["webmks"],
    ]

    public var api: [APIDeclaration] {
        Resource(Self.key) {
            Create(body: RemoteConsoleBody.self, versions: .from(6), policy: Rules.create) { server, body, request in
                guard Self.protocolTypes[body.protocolName]?.contains(body.type) == true else {
                    throw Fault.badRequest("Unsupported protocol \(body.protocolName) for console type \(body.type).")
                }
                let url = try await console(server, type: body.type, request)
                return Reply(["remote_console": ["protocol": .string(body.protocolName), "type": .string(body.type), "url": .string(url)]])
            }
        }
        Actions(on: Servers.key) {
            for (action, types) in [
                ("os-getVNCConsole", ["novnc", "xvpvnc"]), ("os-getSPICEConsole", ["spice-html5"]), ("os-getRDPConsole", ["rdp-html5"]),
                ("os-getSerialConsole", ["serial"]),
            ] {
                Action(action, body: LegacyConsoleBody.self, versions: .through(5), policy: Rules.create, status: .ok) { server, body, request in
                    guard types.contains(body.type) else { throw Fault.badRequest("Invalid console type \(body.type) for \(action).") }
                    let url = try await console(server, type: body.type, request)
                    return Reply(["console": ["type": .string(body.type), "url": .string(url)]])
                }
            }
        }
        Resource(Self.tokenKey) {
            Operation(.show, method: .get, path: "{id}", policy: Rules.token) { request in
                let token = request.parameter("id")
                guard let connection = try await tokens.connection(for: token) else {
                    throw Fault.notFound("The token '\(token)' is invalid or has expired")
                }
                if request.version < APIVersion(2, 31), connection.consoleType != "rdp-html5" {
                    throw Fault.badRequest("The requested console type details are not accessible")
                }
                var view: JSON = [
                    "instance_uuid": .string(connection.instance), "host": .string(connection.host), "port": .int(connection.port),
                    "internal_access_path": .string(connection.internalAccessPath),
                ]
                if request.version >= APIVersion(2, 99) { view["tls_port"] = .null }
                return Reply(["console": view])
            }
        }
    }

    /// A token for `type` on a running server, as the URL its proxy takes.
    func console(_ server: Server, type: String, _ request: APIRequest) async throws -> String {
        guard let (_, port, path) = Self.enabled[type] else { throw Fault.badRequest("Unavailable console type \(type).") }
        guard let host = server.host, [.active, .paused, .rescued].contains(server.state.vm) else {
            throw Fault.conflict("Instance \(server.id) is not ready")
        }
        let token = try await tokens.issue(
            ConsoleConnection(instance: server.id, host: host, port: 5900 + server.rowID % 1000, consoleType: type, internalAccessPath: nil))
        var base = URLComponents(string: request.baseURL) ?? URLComponents()
        base.port = port
        base.path = path
        let query = type == "novnc" ? "path=%3Ftoken%3D\(token)" : "token=\(token)"
        return (base.string ?? "http://127.0.0.1:\(port)\(path)") + "?" + query
    }

    /// `{"remote_console": {"protocol", "type"}}`
    struct RemoteConsoleBody: RequestBody {
        let protocolName: String
        let type: String

        enum Keys: String, CodingKey { case console = "remote_console" }
        enum Fields: String, CodingKey { case protocolName = "protocol", type }

        init(from decoder: any Decoder) throws {
            let fields = try decoder.container(keyedBy: Keys.self).nestedContainer(keyedBy: Fields.self, forKey: .console)
            protocolName = try fields.decode(String.self, forKey: .protocolName)
            type = try fields.decode(String.self, forKey: .type)
        }

        static func schema(at version: APIVersion) -> Schema {
            var protocols: [JSON] = ["vnc", "spice", "rdp", "serial"]
            var types: [JSON] = ["novnc", "xvpvnc", "rdp-html5", "spice-html5", "serial"]
            if version >= APIVersion(2, 8) {
                protocols.append("mks")
                types.append("webmks")
            }
            if version >= APIVersion(2, 99) { types.append("spice-direct") }
            return .object(
                ["remote_console": .object(["protocol": .oneOf(protocols), "type": .oneOf(types)], required: ["protocol", "type"])],
                required: ["remote_console"])
        }
    }

    /// `{"os-getVNCConsole": {"type": "novnc"}}` and its kin.
    struct LegacyConsoleBody: RequestBody {
        let type: String

        static func schema(at version: APIVersion) -> Schema { .object(["type": .string(minLength: 1)], required: ["type"]) }
    }
}
