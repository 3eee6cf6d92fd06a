import NovaKitCore
public import NovaKitHTTP

/// Compute auth mode `keystone`: `X-Auth-Token` validated against the built-in identity service
/// (in-process, cached). The token is project-scoped, or system-scoped (no project; the listeners let it
/// read only); implied roles are already expanded.
public struct KeystoneAuthenticator: Authenticator {
    let tokens: TokenService
    /// The identity URL named in `WWW-Authenticate`.
    let identityURL: String

    public init(tokens: TokenService, identityURL: String) {
        self.tokens = tokens
        self.identityURL = identityURL
    }

    public func authenticate(token: String?) async throws -> AuthContext {
        guard let token, !token.isEmpty, let info = try await tokens.validate(token), info.project != nil || info.isSystemScoped else {
            throw Self.unauthorized(identityURL)
        }
        return AuthContext(
            userID: info.user.id, projectID: info.project?.id ?? "", roles: info.roleNames, isAdmin: info.isAdmin,
            isSystemScoped: info.isSystemScoped, accessRules: info.accessRules)
    }

    /// 401 with `WWW-Authenticate: Keystone uri="…"`, as keystonemiddleware answers.
    static func unauthorized(_ identityURL: String) -> Fault {
        Fault(
            code: 401, message: "The request you have made requires authentication.",
            headers: ["WWW-Authenticate": "Keystone uri=\"\(identityURL)\""])
    }
}
