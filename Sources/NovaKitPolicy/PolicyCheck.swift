/// A parsed oslo.policy check string.
public indirect enum PolicyCheck: Sendable, Equatable {
    case allow
    case deny
    /// `rule:name`
    case rule(String)
    /// `role:name` (case-insensitive; `%(key)s` substitution from the target allowed)
    case role(String)
    /// `left:right`: a credential key (or literal) compared with a literal or target substitution.
    case generic(left: String, right: String)
    case not(PolicyCheck)
    case and([PolicyCheck])
    case or([PolicyCheck])
}

/// What a check is evaluated against: the caller's credentials and the target of the operation.
public struct PolicyCredentials: Sendable {
    public var userID: String?
    public var projectID: String?
    public var roles: [String]
    public var isAdmin: Bool
    /// `all` for a system-scoped token (oslo.policy's `system_scope`), else `nil`.
    public var systemScope: String?

    public init(userID: String?, projectID: String?, roles: [String], isAdmin: Bool, systemScope: String? = nil) {
        self.userID = userID
        self.projectID = projectID
        self.roles = roles
        self.isAdmin = isAdmin
        self.systemScope = systemScope
    }

    /// A credential value as oslo.policy's generic check sees it: a string, or a list for `roles`.
    func values(for key: String) -> [String]? {
        switch key {
        case "user_id": userID.map { [$0] }
        case "project_id", "tenant_id", "tenant": projectID.map { [$0] }
        case "roles": roles
        case "is_admin": [isAdmin ? "True" : "False"]
        case "system_scope": systemScope.map { [$0] }
        default: nil
        }
    }
}
