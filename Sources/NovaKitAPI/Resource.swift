import NovaKitCore

/// A collection of the API (Nova's ResourceExtension), optionally nested under a parent member.
public struct Resource: Sendable {
    /// The parent a nested resource hangs under: `servers/{server_id}/…`.
    public struct Parent: Sendable {
        public let collection: String
        public let parameter: String
        public init(_ collection: String, parameter: String) {
            self.collection = collection
            self.parameter = parameter
        }
    }

    /// Loads the member named by `{id}` and returns the policy target for it (throws its 404).
    public typealias TargetLookup = @Sendable (APIRequest) async throws -> [String: String]

    public let collection: String
    public let parent: Parent?
    public let operations: [Operation]
    public let memberTarget: TargetLookup?
    public let collectionTarget: TargetLookup?

    /// Declares `collection`; `memberTarget` does the project-visible lookup of `{id}` before policy runs,
    /// `collectionTarget` names the target of collection operations (default: the caller's own project and user).
    public init(
        _ collection: String, parent: Parent? = nil, memberTarget: TargetLookup? = nil, collectionTarget: TargetLookup? = nil,
        @OperationBuilder operations: () -> [Operation]
    ) {
        self.collection = collection
        self.parent = parent
        self.memberTarget = memberTarget
        self.collectionTarget = collectionTarget
        self.operations = operations()
    }

    /// The path of the collection below the project prefix.
    var basePath: String {
        guard let parent else { return collection }
        return "\(parent.collection)/{\(parent.parameter)}/\(collection)"
    }
}
