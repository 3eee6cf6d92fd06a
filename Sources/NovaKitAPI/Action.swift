import HTTPTypes
import NovaKitCore

/// A body-keyed action on a member (`POST …/{id}/action {"revertResize": null}`), Nova's `@wsgi.action`.
public struct Action: Sendable {
    public let key: String
    public let schema: Schema
    public let versions: VersionRange
    public let policy: String
    public let status: HTTPResponse.Status
    public let handler: Handler

    /// `schema` validates the value under `key`; the handler receives that value as its body.
    public init(
        _ key: String, schema: Schema = .null, versions: VersionRange = .all, policy: String,
        status: HTTPResponse.Status = .accepted, _ handler: @escaping Handler
    ) {
        self.key = key
        self.schema = schema
        self.versions = versions
        self.policy = policy
        self.status = status
        self.handler = handler
    }
}

/// Actions an extension adds to the action table of `resource` (any resource, its own or another's).
public struct ActionSet: Sendable {
    public let resource: String
    public let actions: [Action]

    public init(on resource: String, @ActionBuilder _ actions: () -> [Action]) {
        self.resource = resource
        self.actions = actions()
    }
}

/// `Actions(on: "servers") { Action(…) }`
public func Actions(on resource: String, @ActionBuilder _ actions: () -> [Action]) -> ActionSet {
    ActionSet(on: resource, actions)
}

/// Collects actions.
@resultBuilder
public enum ActionBuilder {
    public static func buildExpression(_ action: Action) -> [Action] { [action] }
    public static func buildBlock(_ parts: [Action]...) -> [Action] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Action]?) -> [Action] { part ?? [] }
    public static func buildArray(_ parts: [[Action]]) -> [Action] { parts.flatMap { $0 } }
}

/// Post-processes another resource's responses, Nova's `@wsgi.extends`: adds fields or rewrites the body.
public struct ResponseExtension: Sendable {
    public typealias Transform = @Sendable (APIRequest, inout JSON) async throws -> Void

    public let resource: String
    /// Operation names (`show`, `index`, …) or `action:<key>` for actions.
    public let operations: Set<String>
    public let versions: VersionRange
    public let transform: Transform

    public init(resource: String, operations: Set<String>, versions: VersionRange = .all, transform: @escaping Transform) {
        self.resource = resource
        self.operations = operations
        self.versions = versions
        self.transform = transform
    }
}

/// `Extend("os-documents", ["show", "index"]) { request, body in … }`
public func Extend(
    _ resource: String, _ operations: Set<String>, versions: VersionRange = .all,
    _ transform: @escaping ResponseExtension.Transform
) -> ResponseExtension {
    ResponseExtension(resource: resource, operations: operations, versions: versions, transform: transform)
}
