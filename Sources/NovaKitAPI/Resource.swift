import NovaKitCore

/// A collection of the API (Nova's ResourceExtension), top-level or nested below a parent's member.
public struct Resource<Member: Sendable>: Sendable {
    public let key: ResourceKey<Member>
    /// How the member is loaded; `nil` on a nested resource means the parent's lookup.
    public let lookup: MemberLookup<Member>?
    /// The policy target of operations that take no member (default: the caller's own project and user).
    public let collectionTarget: (@Sendable (APIRequest) async throws -> PolicyTarget)?
    public let operations: [Operation<Member>]

    /// Declares the resource `key`; `lookup` loads the member handlers receive.
    public init(
        _ key: ResourceKey<Member>, lookup: MemberLookup<Member>? = nil,
        collectionTarget: (@Sendable (APIRequest) async throws -> PolicyTarget)? = nil,
        @OperationBuilder<Member> operations: () -> [Operation<Member>]
    ) {
        self.key = key
        self.lookup = lookup
        self.collectionTarget = collectionTarget
        self.operations = operations()
    }

    /// The resource as the registry holds it.
    var erased: AnyResource {
        AnyResource(
            path: key.path, parentPath: key.parentPath, memberParameter: key.memberParameter, memberType: ObjectIdentifier(Member.self),
            memberTypeName: String(describing: Member.self), lookup: lookup?.erased, collectionTarget: collectionTarget,
            operations: operations.map(\.erased))
    }
}

/// A resource as the registry holds it.
struct AnyResource: Sendable {
    let path: String
    let parentPath: String?
    let memberParameter: String
    let memberType: ObjectIdentifier
    let memberTypeName: String
    let lookup: AnyMemberLookup?
    let collectionTarget: (@Sendable (APIRequest) async throws -> PolicyTarget)?
    let operations: [AnyOperation]
}
