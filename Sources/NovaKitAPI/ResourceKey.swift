/// Names a resource wherever a declaration refers to it — its own `Resource`, another extension's
/// `Actions(on:)`, `Extend(…)` or a nested resource's parent — together with the type its member
/// operations receive. The registry refuses at start-up a key that no enabled extension declares.
public struct ResourceKey<Member: Sendable>: Sendable, Hashable, CustomStringConvertible {
    /// The path below the project prefix: `servers`, `servers/{server_id}/metadata`.
    public let path: String
    /// The last segment of the path, as links and `*_links` name the collection.
    public let collection: String
    /// The path parameter the member is loaded by: `id`, or the parent's parameter for a nested resource.
    public let memberParameter: String
    /// The parent's path, for a nested resource.
    public let parentPath: String?

    /// A top-level collection: `ResourceKey<Server>("servers")`.
    public init(_ collection: String) {
        self.collection = collection
        path = collection
        memberParameter = "id"
        parentPath = nil
    }

    /// A collection nested below a parent's member: `servers/{server_id}/metadata`. Its operations receive the
    /// member named by `parameter` (the parent's, unless the nested resource declares its own lookup).
    public init<Parent>(_ collection: String, under parent: ResourceKey<Parent>, parameter: String) {
        self.collection = collection
        path = "\(parent.path)/{\(parameter)}/\(collection)"
        memberParameter = parameter
        parentPath = parent.path
    }

    public var description: String { path }
}
