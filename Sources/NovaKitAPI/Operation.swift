public import HTTPTypes
public import NovaKitCore
public import NovaKitPolicy

/// One HTTP operation of a resource: method, relative path, versions, policy, status, body and handler.
///
/// A handler that takes the member gets it loaded (once) by the resource's lookup before the policy
/// check; one that takes a body gets it validated for the request's microversion and decoded.
public struct Operation<Member: Sendable>: Sendable {
    public let name: OperationName
    public let method: HTTPRequest.Method
    /// Relative to the collection: `""`, `"{id}"`, `"detail"`, `"{id}/metadata/{key}"`.
    public let path: String
    public let versions: VersionRange
    public let policy: PolicyDefault?
    public let status: HTTPResponse.Status
    /// The body schema per microversion; `nil` means the operation takes no body.
    let schema: (@Sendable (APIVersion) -> Schema)?
    /// Whether the handler receives the member (so the lookup runs).
    let takesMember: Bool
    let handler: @Sendable (APIRequest, Member?) async throws -> Reply

    static func required(_ member: Member?) throws -> Member {
        guard let member else { throw MissingMember(type: String(describing: Member.self)) }
        return member
    }

    /// The operation as the route table holds it.
    var erased: AnyOperation {
        AnyOperation(
            name: name, method: method, path: path, versions: versions, policy: policy, status: status,
            schema: schema.map { SchemaCache($0).schema(at:) },
            takesMember: takesMember
        ) { request, member in try await handler(request, member.map { $0 as? Member } ?? nil) }
    }
}

extension Operation {
    /// An operation that takes neither member nor body.
    public init(
        _ name: OperationName, method: HTTPRequest.Method, path: String, versions: VersionRange = .all, policy: PolicyDefault?,
        status: HTTPResponse.Status = .ok, _ handler: @escaping @Sendable (APIRequest) async throws -> Reply
    ) {
        self.init(
            name: name, method: method, path: path, versions: versions, policy: policy, status: status, schema: nil, takesMember: false
        ) { request, _ in try await handler(request) }
    }

    /// An operation on the member, without a body.
    public init(
        _ name: OperationName, method: HTTPRequest.Method, path: String, versions: VersionRange = .all, policy: PolicyDefault?,
        status: HTTPResponse.Status = .ok, _ handler: @escaping @Sendable (Member, APIRequest) async throws -> Reply
    ) {
        self.init(
            name: name, method: method, path: path, versions: versions, policy: policy, status: status, schema: nil, takesMember: true
        ) { request, member in try await handler(try Self.required(member), request) }
    }

    /// An operation with a typed body and no member.
    public init<Body: RequestBody>(
        _ name: OperationName, method: HTTPRequest.Method, path: String, body: Body.Type, versions: VersionRange = .all,
        policy: PolicyDefault?, status: HTTPResponse.Status = .ok, _ handler: @escaping @Sendable (Body, APIRequest) async throws -> Reply
    ) {
        self.init(
            name: name, method: method, path: path, versions: versions, policy: policy, status: status, schema: Body.schema(at:),
            takesMember: false
        ) { request, _ in try await handler(try request.decodeBody(Body.self), request) }
    }

    /// An operation on the member with a typed body.
    public init<Body: RequestBody>(
        _ name: OperationName, method: HTTPRequest.Method, path: String, body: Body.Type, versions: VersionRange = .all,
        policy: PolicyDefault?, status: HTTPResponse.Status = .ok,
        _ handler: @escaping @Sendable (Member, Body, APIRequest) async throws -> Reply
    ) {
        self.init(
            name: name, method: method, path: path, versions: versions, policy: policy, status: status, schema: Body.schema(at:),
            takesMember: true
        ) { request, member in try await handler(try Self.required(member), try request.decodeBody(Body.self), request) }
    }
}

/// An operation as the route table holds it.
struct AnyOperation: Sendable {
    let name: OperationName
    let method: HTTPRequest.Method
    let path: String
    let versions: VersionRange
    let policy: PolicyDefault?
    let status: HTTPResponse.Status
    let schema: (@Sendable (APIVersion) -> Schema)?
    let takesMember: Bool
    let handler: @Sendable (APIRequest, (any Sendable)?) async throws -> Reply
}

/// A handler that takes a member ran on a resource without a lookup: a declaration error the registry refuses.
struct MissingMember: Error, CustomStringConvertible {
    let type: String
    var description: String { "no \(type) member was loaded for a handler that takes one" }
}

/// Collects a resource's operations.
@resultBuilder
public enum OperationBuilder<Member: Sendable> {
    public static func buildExpression(_ operation: Operation<Member>) -> [Operation<Member>] { [operation] }
    public static func buildBlock(_ parts: [Operation<Member>]...) -> [Operation<Member>] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Operation<Member>]?) -> [Operation<Member>] { part ?? [] }
    public static func buildEither(first: [Operation<Member>]) -> [Operation<Member>] { first }
    public static func buildEither(second: [Operation<Member>]) -> [Operation<Member>] { second }
    public static func buildArray(_ parts: [[Operation<Member>]]) -> [Operation<Member>] { parts.flatMap { $0 } }
}
