import NovaKitCore
public import NovaKitPolicy

/// Who is calling: the authenticated identity a request carries once auth has run.
public struct AuthContext: Sendable, Equatable {
    public let userID: String
    public let projectID: String
    public let roles: [String]
    public let isAdmin: Bool
    /// A system-scoped token (`"system": {"all": true}`): no project (`projectID` is empty), roles on the
    /// whole deployment. The service listeners let such a caller read, not change (`refuseSystemScopedChange`).
    public let isSystemScoped: Bool
    /// The access rules of the application credential the token was made from, if it is held to any
    /// (`checkAccessRules`); `nil` for any other token.
    public let accessRules: [AccessRule]?

    public init(
        userID: String, projectID: String, roles: [String], isAdmin: Bool, isSystemScoped: Bool = false, accessRules: [AccessRule]? = nil
    ) {
        self.userID = userID
        self.projectID = projectID
        self.roles = roles
        self.isAdmin = isAdmin
        self.isSystemScoped = isSystemScoped
        self.accessRules = accessRules
    }

    /// The credentials policy checks are evaluated against.
    public var credentials: PolicyCredentials {
        PolicyCredentials(
            userID: userID, projectID: isSystemScoped ? nil : projectID, roles: roles, isAdmin: isAdmin,
            systemScope: isSystemScoped ? "all" : nil)
    }

    /// 403 for a system-scoped caller's request that would change something: resources belong to projects,
    /// so creating or acting on them needs a project-scoped token.
    public func refuseSystemScopedChange(method: String) throws {
        guard isSystemScoped, !["GET", "HEAD", "OPTIONS"].contains(method) else { return }
        throw Fault(
            code: 403, message: "A system-scoped token can read this API but not change it; use a token scoped to a project.")
    }

    /// The default policy target: the caller's own project and user.
    public var ownTarget: [String: String] { ["project_id": projectID, "user_id": userID] }
}

/// Turns a request's token into an `AuthContext`; throws a 401 fault when it cannot.
public protocol Authenticator: Sendable {
    func authenticate(token: String?) async throws -> AuthContext
}

/// Nova's `noauth2`: the token is `user:project`; `admin` is the admin user.
///
/// Deviation from Nova, as the spec allows: roles are `admin, manager, member, reader` for `admin` and
/// `member, reader` otherwise (Nova leaves them empty), so role-based defaults behave as intended.
/// A missing token is a 401 fault rather than Nova's 204 token hand-out.
public struct NoAuth2Authenticator: Authenticator {
    public init() {}

    public func authenticate(token: String?) async throws -> AuthContext {
        guard let token, !token.isEmpty else {
            throw Fault(code: 401, message: "The request you have made requires authentication.")
        }
        let user: String
        let project: String
        if let colon = token.firstIndex(of: ":") {
            user = String(token[..<colon])
            project = String(token[token.index(after: colon)...])
        } else {
            user = token
            project = token
        }
        let isAdmin = user == "admin"
        return AuthContext(
            userID: user,
            projectID: project,
            roles: isAdmin ? ["admin", "manager", "member", "reader"] : ["member", "reader"],
            isAdmin: isAdmin
        )
    }
}
