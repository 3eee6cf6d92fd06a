import HTTPTypes
public import NovaKitAPI
import NovaKitCore
public import NovaKitPolicy

/// `servers/{id}/os-server-password`: the encrypted password a guest posts to the metadata service, and
/// clearing it. NovaKit simulates no metadata service, so no guest ever posts one: the password reads as
/// empty (as Nova shows for a server without one) and clearing it succeeds with nothing to clear.
public struct ServerPassword: APIExtension {
    public static let key = ResourceKey<Server>("os-server-password", under: Servers.key, parameter: "server_id")

    public init() {}

    public let descriptor = ExtensionDescriptor(
        name: "ServerPassword", alias: "os-server-password", namespace: "http://docs.openstack.org/compute/ext/server-password/api/v2",
        updated: "2012-11-29T00:00:00Z", description: "Server password support.")

    enum Rules {
        static let show = PolicyDefault(
            "os_compute_api:os-server-password:show", "rule:admin_or_owner", description: "Show the encrypted server password.")
        static let clear = PolicyDefault(
            "os_compute_api:os-server-password:clear", "rule:admin_or_owner", description: "Clear the encrypted server password.")
    }

    public var policies: [PolicyDefault] { [Rules.show, Rules.clear] }

    public var api: [APIDeclaration] {
        Resource(Self.key) {
            Index(policy: Rules.show) { (_: Server, _) in Reply(["password": ""]) }
            Operation(.named("clear"), method: .delete, path: "", policy: Rules.clear, status: .noContent) { (_: Server, _) in .empty }
        }
    }
}
