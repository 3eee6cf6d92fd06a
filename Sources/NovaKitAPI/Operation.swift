import HTTPTypes
import NovaKitCore

/// One HTTP operation of a resource: method, relative path, versions, schema, policy, status, handler.
public struct Operation: Sendable {
    /// The name controller extensions attach to: `index`, `create`, `show`, `update`, `delete` or a custom one.
    public let name: String
    public let method: HTTPRequest.Method
    /// Relative to the collection: `""`, `"{id}"`, `"detail"`, `"{id}/metadata/{key}"`.
    public let path: String
    public let versions: VersionRange
    public let policy: String?
    /// The body schema; `nil` means the operation takes no body.
    public let schema: Schema?
    public let status: HTTPResponse.Status
    public let handler: Handler

    public init(
        _ name: String, method: HTTPRequest.Method, path: String, versions: VersionRange = .all, policy: String?,
        schema: Schema? = nil, status: HTTPResponse.Status = .ok, handler: @escaping Handler
    ) {
        self.name = name
        self.method = method
        self.path = path
        self.versions = versions
        self.policy = policy
        self.schema = schema
        self.status = status
        self.handler = handler
    }

    /// Whether the path names a member (`{id}` first), so the resource's target lookup applies.
    public var isMemberOperation: Bool { path.hasPrefix("{id}") }
}

/// `GET /collection`
public func Index(
    versions: VersionRange = .all, policy: String?, status: HTTPResponse.Status = .ok, _ handler: @escaping Handler
) -> Operation {
    Operation("index", method: .get, path: "", versions: versions, policy: policy, status: status, handler: handler)
}

/// `POST /collection`
public func Create(
    _ schema: Schema, versions: VersionRange = .all, policy: String?, status: HTTPResponse.Status = .ok,
    _ handler: @escaping Handler
) -> Operation {
    Operation("create", method: .post, path: "", versions: versions, policy: policy, schema: schema, status: status, handler: handler)
}

/// `GET /collection/{id}`
public func Show(
    versions: VersionRange = .all, policy: String?, status: HTTPResponse.Status = .ok, _ handler: @escaping Handler
) -> Operation {
    Operation("show", method: .get, path: "{id}", versions: versions, policy: policy, status: status, handler: handler)
}

/// `PUT /collection/{id}`
public func Update(
    _ schema: Schema, versions: VersionRange = .all, policy: String?, status: HTTPResponse.Status = .ok,
    _ handler: @escaping Handler
) -> Operation {
    Operation("update", method: .put, path: "{id}", versions: versions, policy: policy, schema: schema, status: status, handler: handler)
}

/// `DELETE /collection/{id}`
public func Delete(
    versions: VersionRange = .all, policy: String?, status: HTTPResponse.Status = .noContent, _ handler: @escaping Handler
) -> Operation {
    Operation("delete", method: .delete, path: "{id}", versions: versions, policy: policy, status: status, handler: handler)
}

/// A collection action such as `GET /collection/detail` (Nova's `collection_actions`).
public func CollectionRoute(
    _ name: String, method: HTTPRequest.Method = .get, schema: Schema? = nil, versions: VersionRange = .all, policy: String?,
    status: HTTPResponse.Status = .ok, _ handler: @escaping Handler
) -> Operation {
    Operation(name, method: method, path: name, versions: versions, policy: policy, schema: schema, status: status, handler: handler)
}

/// A member route such as `GET /collection/{id}/ips` (Nova's `member_actions`).
public func MemberRoute(
    _ name: String, method: HTTPRequest.Method = .get, path: String? = nil, schema: Schema? = nil,
    versions: VersionRange = .all, policy: String?, status: HTTPResponse.Status = .ok, _ handler: @escaping Handler
) -> Operation {
    Operation(
        name, method: method, path: "{id}/" + (path ?? name), versions: versions, policy: policy, schema: schema,
        status: status, handler: handler)
}

/// Collects a resource's operations.
@resultBuilder
public enum OperationBuilder {
    public static func buildExpression(_ operation: Operation) -> [Operation] { [operation] }
    public static func buildBlock(_ parts: [Operation]...) -> [Operation] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Operation]?) -> [Operation] { part ?? [] }
    public static func buildArray(_ parts: [[Operation]]) -> [Operation] { parts.flatMap { $0 } }
}
