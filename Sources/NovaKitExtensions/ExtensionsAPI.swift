import NovaKitAPI

/// `/extensions`: the enabled extensions, listed from the same declarations that build the routes.
public struct ExtensionsAPI: APIExtension {
    public init() {}

    public let descriptor = ExtensionDescriptor(
        name: "Extensions", alias: "extensions", namespace: "http://docs.openstack.org/compute/core/extensions/api/v1.1",
        updated: "2014-12-03T00:00:00Z", description: "Extension information.")

    static let rule = "os_compute_api:extensions"
    public var policies: [PolicyDefault] { [PolicyDefault(Self.rule, "@", description: "List available extensions.")] }

    public var api: [APIDeclaration] {
        Resource("extensions") {
            Index(policy: Self.rule) { request in
                Reply(["extensions": .array(request.services.extensions.map(\.entry))])
            }
            Show(policy: Self.rule) { request in
                let alias = request.parameter("id")
                guard let found = request.services.extensions.first(where: { $0.alias == alias }) else {
                    throw Fault.notFound("Extension \(alias) could not be found.")
                }
                return Reply(["extension": found.entry])
            }
        }
    }
}
