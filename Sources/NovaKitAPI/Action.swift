public import HTTPTypes
public import NovaKitCore
public import NovaKitPolicy

/// A body-keyed action on a member (`POST …/{id}/action {"revertResize": null}`), Nova's `@wsgi.action`.
public struct Action<Member: Sendable>: Sendable {
    public let key: String
    public let versions: VersionRange
    public let policy: PolicyDefault
    public let status: HTTPResponse.Status
    /// The schema of the value under `key`, per microversion.
    let schema: @Sendable (APIVersion) -> Schema
    /// Whether the handler receives the member (so the resource's lookup runs).
    let takesMember: Bool
    let handler: @Sendable (APIRequest, Member?) async throws -> Reply

    var erased: AnyAction {
        AnyAction(
            key: key, versions: versions, policy: policy, status: status, schema: SchemaCache(schema).schema(at:), takesMember: takesMember
        ) { request, member in
            try await handler(request, member.map { $0 as? Member } ?? nil)
        }
    }
}

extension Action {
    /// An action on the member that takes no arguments (any value under `key`, as Nova).
    public init(
        _ key: String, versions: VersionRange = .all, policy: PolicyDefault, status: HTTPResponse.Status = .accepted,
        _ handler: @escaping @Sendable (Member, APIRequest) async throws -> Reply
    ) {
        self.init(key: key, versions: versions, policy: policy, status: status, schema: NoArguments.schema(at:), takesMember: true) {
            request, member in
            try await handler(try Operation<Member>.required(member), request)
        }
    }

    /// An action on the member whose value is decoded into `Body` (after its schema for the microversion accepted it).
    public init<Body: RequestBody>(
        _ key: String, body: Body.Type, versions: VersionRange = .all, policy: PolicyDefault, status: HTTPResponse.Status = .accepted,
        _ handler: @escaping @Sendable (Member, Body, APIRequest) async throws -> Reply
    ) {
        self.init(key: key, versions: versions, policy: policy, status: status, schema: Body.schema(at:), takesMember: true) { request, member in
            try await handler(try Operation<Member>.required(member), try request.decodeBody(Body.self), request)
        }
    }

    /// An action that needs nothing of the member and takes no arguments: no lookup runs, the caller's own
    /// project is the policy target.
    public init(
        _ key: String, versions: VersionRange = .all, policy: PolicyDefault, status: HTTPResponse.Status = .accepted,
        _ handler: @escaping @Sendable (APIRequest) async throws -> Reply
    ) {
        self.init(key: key, versions: versions, policy: policy, status: status, schema: NoArguments.schema(at:), takesMember: false) { request, _ in
            try await handler(request)
        }
    }
}

/// An action as the action table holds it.
struct AnyAction: Sendable {
    let key: String
    let versions: VersionRange
    let policy: PolicyDefault
    let status: HTTPResponse.Status
    let schema: @Sendable (APIVersion) -> Schema
    let takesMember: Bool
    let handler: @Sendable (APIRequest, (any Sendable)?) async throws -> Reply
}

/// Actions an extension adds to the action table of a resource (its own or another's).
public struct ActionSet<Member: Sendable>: Sendable {
    public let resource: ResourceKey<Member>
    public let actions: [Action<Member>]

    var erased: AnyActionSet {
        AnyActionSet(resourcePath: resource.path, memberType: ObjectIdentifier(Member.self), actions: actions.map(\.erased))
    }
}

/// An action set as the registry holds it.
struct AnyActionSet: Sendable {
    let resourcePath: String
    let memberType: ObjectIdentifier
    let actions: [AnyAction]
}

/// `Actions(on: Servers.key) { Action("pause", policy: …) { server, request in … } }`
public func Actions<Member>(on resource: ResourceKey<Member>, @ActionBuilder<Member> _ actions: () -> [Action<Member>]) -> ActionSet<Member> {
    ActionSet(resource: resource, actions: actions())
}

/// Collects actions.
@resultBuilder
public enum ActionBuilder<Member: Sendable> {
    public static func buildExpression(_ action: Action<Member>) -> [Action<Member>] { [action] }
    public static func buildBlock(_ parts: [Action<Member>]...) -> [Action<Member>] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Action<Member>]?) -> [Action<Member>] { part ?? [] }
    public static func buildArray(_ parts: [[Action<Member>]]) -> [Action<Member>] { parts.flatMap { $0 } }
}
