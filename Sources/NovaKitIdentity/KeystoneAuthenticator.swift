import NovaKitCore
public import NovaKitHTTP

/// Compute auth mode `keystone`: `X-Auth-Token` validated against the built-in identity service
/// (in-process, cached). The token must be project-scoped; implied roles are already expanded.
public struct KeystoneAuthenticator: Authenticator {
    let tokens: TokenService
    /// The identity URL named in `WWW-Authenticate`.
    let identityURL: String

    public init(tokens: TokenService, identityURL: String) {
        self.tokens = tokens
        self.identityURL = identityURL
    }

    public func authenticate(token: String?) async throws -> AuthContext {
        guard let token, !token.isEmpty, let info = try await tokens.validate(token), let project = info.project else {
            throw Self.unauthorized(identityURL)
        }
        return AuthContext(userID: info.user.id, projectID: project.id, roles: info.roleNames, isAdmin: info.isAdmin)
    }

    /// 401 with `WWW-Authenticate: Keystone uri="…"`, as keystonemiddleware answers.
    static func unauthorized(_ identityURL: String) -> Fault {
        Fault(
            code: 401, message: "The request you have made requires authentication.",
            headers: ["WWW-Authenticate": "Keystone uri=\"\(identityURL)\""])
    }
}
