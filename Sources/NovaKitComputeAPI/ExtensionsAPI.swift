public import NovaKitAPI
import NovaKitCore
public import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// `/extensions`: the enabled extensions, listed from the same declarations that build the routes.
public struct ExtensionsAPI: APIExtension {
    public static let key = ResourceKey<ExtensionDescriptor>("extensions")

    public init() {}

    public let descriptor = ExtensionDescriptor(
        name: "Extensions", alias: "extensions", namespace: "http://docs.openstack.org/compute/core/extensions/api/v1.1",
        updated: "2014-12-03T00:00:00Z", description: "Extension information.")

    static let rule = PolicyDefault("os_compute_api:extensions", "@", description: "List available extensions.")
    public var policies: [PolicyDefault] { [Self.rule] }

    /// The enabled extension with alias `id`.
    static let lookup = MemberLookup<ExtensionDescriptor>.afterPolicy { alias, request in
        guard let found = request.services.extensions.first(where: { $0.alias == alias }) else {
            throw Fault.notFound("Extension \(alias) could not be found.")
        }
        return found
    }

    public var api: [APIDeclaration] {
        Resource(Self.key, lookup: Self.lookup) {
            Index(policy: Self.rule) { request in Reply(["extensions": .array(request.services.extensions.map(\.entry))]) }
            Show(policy: Self.rule) { found, _ in Reply(["extension": found.entry]) }
        }
    }
}
