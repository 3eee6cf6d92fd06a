public import NovaKitCore

/// Nova's ExtensionDescriptor: how an extension is named and listed at `/extensions`.
public struct ExtensionDescriptor: Sendable, Hashable {
    public let name: String
    public let alias: String
    public let namespace: String
    public let updated: String
    public let description: String

    public init(name: String, alias: String, namespace: String, updated: String, description: String) {
        self.name = name
        self.alias = alias
        self.namespace = namespace
        self.updated = updated
        self.description = description
    }

    /// The `/extensions` entry.
    public var entry: JSON {
        [
            "name": .string(name), "alias": .string(alias), "namespace": .string(namespace),
            "updated": .string(updated), "description": .string(description), "links": [],
        ]
    }
}
