import Foundation
import HTTPTypes
import Logging
import NovaKitCore
import NovaKitHTTP
import NovaKitPolicy

/// What an identity handler sees: parameters, query, body, tokens and the services.
struct IdentityRequest: Sendable {
    /// `GET`, `POST`, …, and the path from the listener's root (`/v3/users`), for access rules.
    let method: String
    let path: String
    let parameters: [String: String]
    let query: [String: String]
    let body: JSON
    let authToken: String?
    let subjectToken: String?
    let service: IdentityService
    /// `http://host:port/v3`
    let base: String
    /// The listener's logger with the request id.
    let logger: Logger

    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// The caller's token, validated: 401 when missing or invalid.
    func caller() async throws -> TokenInfo {
        guard let authToken, let info = try await service.tokens.validate(authToken) else { throw IdentityError.unauthorized }
        guard AccessRule.allow(info.accessRules, service: "identity", method: method, path: path) else { throw IdentityError.unauthorized }
        return info
    }

    /// The caller, after checking `rule` (admin-only by default) against `target`.
    @discardableResult
    func authorize(_ rule: String, target: [String: String] = [:]) async throws -> TokenInfo {
        let info = try await caller()
        var fullTarget = target
        fullTarget["user_id"] = fullTarget["user_id"] ?? info.user.id
        guard service.policy.allows(rule, credentials: info.credentials, target: fullTarget) else { throw IdentityError.forbidden(rule) }
        return info
    }

    /// The body's `wrapper` object validated against `schema`.
    func entity(_ wrapper: String, _ schema: Schema) throws -> JSON {
        let wrapped = Schema.object([wrapper: schema], required: [wrapper], additional: true)
        do { return try wrapped.validate(body)[wrapper] ?? [:] } catch { throw IdentityError.badRequest(error.message) }
    }
}

/// What an identity handler returns.
struct IdentityReply: Sendable {
    var status: HTTPResponse.Status
    var body: JSON?
    var headers: [String: String] = [:]

    static func ok(_ body: JSON) -> IdentityReply { IdentityReply(status: .ok, body: body) }
    static func created(_ body: JSON) -> IdentityReply { IdentityReply(status: .created, body: body) }
    static let noContent = IdentityReply(status: .noContent, body: nil)
}

typealias IdentityHandler = @Sendable (IdentityRequest) async throws -> IdentityReply

/// One identity route.
struct IdentityRoute: Sendable {
    let method: HTTPRequest.Method
    let pattern: PathPattern
    /// The body the handler validates, for the OpenAPI document; `nil`: none.
    let body: Schema?
    let handler: IdentityHandler

    init(_ method: HTTPRequest.Method, _ path: String, body: Schema? = nil, _ handler: @escaping IdentityHandler) {
        self.method = method
        self.pattern = PathPattern(path)
        self.body = body
        self.handler = handler
    }
}
