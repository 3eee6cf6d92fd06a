public import NovaKitAPI
import NovaKitCore
public import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// `novakit-debug`: off unless enabled (`--enable-extension novakit-debug`); a route that fails on
/// purpose, so tests can show that an unexpected error becomes a generic 500 with no internals.
public struct NovaKitDebug: APIExtension {
    public init() {}

    public let descriptor = ExtensionDescriptor(
        name: "NovaKitDebug", alias: "novakit-debug", namespace: "http://docs.openstack.org/compute/ext/novakit-debug/api/v1",
        updated: "2026-11-25T00:00:00Z", description: "Diagnostics for NovaKit's own tests.")

    public var enabledByDefault: Bool { false }

    static let rule = PolicyDefault("novakit:debug", "rule:admin_or_owner")
    public var policies: [PolicyDefault] { [Self.rule] }

    /// An error no fault mapping knows: it must reach the client only as a generic 500.
    struct DeliberateFailure: Error {
        let secret = "internal detail: connection string postgres://novakit:hunter2@db/nova"
    }

    public var api: [APIDeclaration] {
        Resource(ResourceKey<Never>("novakit-debug")) {
            CollectionRoute("fail", policy: Self.rule) { _ in throw DeliberateFailure() }
        }
    }
}
