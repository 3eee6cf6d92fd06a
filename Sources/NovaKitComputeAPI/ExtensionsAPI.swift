public import NovaKitAPI
import NovaKitCore
public import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// `/extensions`: the enabled extensions, listed from the same declarations that build the routes, and the
/// rest of Nova's frozen catalog — every alias in it that no extension NovaKit ships claims. An extension
/// NovaKit ships but configuration switched off is not listed, even when Nova's catalog names it.
public struct ExtensionsAPI: APIExtension {
    public static let key = ResourceKey<ExtensionDescriptor>("extensions")

    /// Nova's catalog entries for APIs NovaKit does not ship itself.
    let catalog: [ExtensionDescriptor]

    /// `shipped`: the aliases of every extension NovaKit registers, enabled or not.
    public init(catalog: [ExtensionDescriptor] = [], shipped: Set<String> = []) {
        self.catalog = catalog.filter { !shipped.contains($0.alias) }
    }

    /// The enabled extensions and the unclaimed catalog entries, by alias.
    func listed(_ request: APIRequest) -> [ExtensionDescriptor] {
        let enabled = request.services.extensions
        let aliases = Set(enabled.map(\.alias))
        return (enabled + catalog.filter { !aliases.contains($0.alias) }).sorted { $0.alias < $1.alias }
    }

    public let descriptor = ExtensionDescriptor(
        name: "Extensions", alias: "extensions", namespace: "http://docs.openstack.org/compute/core/extensions/api/v1.1",
        updated: "2014-12-03T00:00:00Z", description: "Extension information.")

    static let rule = PolicyDefault("os_compute_api:extensions", "@", description: "List available extensions.")
    public var policies: [PolicyDefault] { [Self.rule] }

    /// The listed extension with alias `id`.
    func lookup(_ alias: String, _ request: APIRequest) throws -> ExtensionDescriptor {
        guard let found = listed(request).first(where: { $0.alias == alias }) else {
            throw Fault.notFound("Extension \(alias) could not be found.")
        }
        return found
    }

    public var api: [APIDeclaration] {
        Resource(Self.key, lookup: .afterPolicy(lookup)) {
            Index(policy: Self.rule) { request in Reply(["extensions": .array(listed(request).map(\.entry))]) }
            Show(policy: Self.rule) { found, _ in Reply(["extension": found.entry]) }
        }
    }
}
