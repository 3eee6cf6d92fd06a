public import HTTPTypes
public import NovaKitCore
public import NovaKitPolicy

/// `GET /collection`
public func Index<Member>(
    versions: VersionRange = .all, policy: PolicyDefault?, status: HTTPResponse.Status = .ok,
    _ handler: @escaping @Sendable (APIRequest) async throws -> Reply
) -> Operation<Member> {
    Operation(.index, method: .get, path: "", versions: versions, policy: policy, status: status, handler)
}

/// `GET /parent/{parent_id}/collection`: a nested collection, handed the parent's member.
public func Index<Member>(
    versions: VersionRange = .all, policy: PolicyDefault?, status: HTTPResponse.Status = .ok,
    _ handler: @escaping @Sendable (Member, APIRequest) async throws -> Reply
) -> Operation<Member> {
    Operation(.index, method: .get, path: "", versions: versions, policy: policy, status: status, handler)
}

/// `POST /collection` with a typed body.
public func Create<Member, Body: RequestBody>(
    body: Body.Type, versions: VersionRange = .all, policy: PolicyDefault?, status: HTTPResponse.Status = .ok,
    _ handler: @escaping @Sendable (Body, APIRequest) async throws -> Reply
) -> Operation<Member> {
    Operation(.create, method: .post, path: "", body: body, versions: versions, policy: policy, status: status, handler)
}

/// `POST /parent/{parent_id}/collection` with a typed body, handed the parent's member.
public func Create<Member, Body: RequestBody>(
    body: Body.Type, versions: VersionRange = .all, policy: PolicyDefault?, status: HTTPResponse.Status = .ok,
    _ handler: @escaping @Sendable (Member, Body, APIRequest) async throws -> Reply
) -> Operation<Member> {
    Operation(.create, method: .post, path: "", body: body, versions: versions, policy: policy, status: status, handler)
}

/// `GET /collection/{id}`
public func Show<Member>(
    versions: VersionRange = .all, policy: PolicyDefault?, status: HTTPResponse.Status = .ok,
    _ handler: @escaping @Sendable (Member, APIRequest) async throws -> Reply
) -> Operation<Member> {
    Operation(.show, method: .get, path: "{id}", versions: versions, policy: policy, status: status, handler)
}

/// `PUT /collection/{id}` with a typed body.
public func Update<Member, Body: RequestBody>(
    body: Body.Type, versions: VersionRange = .all, policy: PolicyDefault?, status: HTTPResponse.Status = .ok,
    _ handler: @escaping @Sendable (Member, Body, APIRequest) async throws -> Reply
) -> Operation<Member> {
    Operation(.update, method: .put, path: "{id}", body: body, versions: versions, policy: policy, status: status, handler)
}

/// `DELETE /collection/{id}`
public func Delete<Member>(
    versions: VersionRange = .all, policy: PolicyDefault?, status: HTTPResponse.Status = .noContent,
    _ handler: @escaping @Sendable (Member, APIRequest) async throws -> Reply
) -> Operation<Member> {
    Operation(.delete, method: .delete, path: "{id}", versions: versions, policy: policy, status: status, handler)
}

/// A collection route such as `GET /collection/detail` (Nova's `collection_actions`).
public func CollectionRoute<Member>(
    _ name: String, method: HTTPRequest.Method = .get, versions: VersionRange = .all, policy: PolicyDefault?,
    status: HTTPResponse.Status = .ok, _ handler: @escaping @Sendable (APIRequest) async throws -> Reply
) -> Operation<Member> {
    Operation(.named(name), method: method, path: name, versions: versions, policy: policy, status: status, handler)
}

/// A member route such as `GET /collection/{id}/detail` (Nova's `member_actions`), handed the member.
public func MemberRoute<Member>(
    _ name: String, method: HTTPRequest.Method = .get, versions: VersionRange = .all, policy: PolicyDefault?,
    status: HTTPResponse.Status = .ok, _ handler: @escaping @Sendable (Member, APIRequest) async throws -> Reply
) -> Operation<Member> {
    Operation(.named(name), method: method, path: "{id}/\(name)", versions: versions, policy: policy, status: status, handler)
}
