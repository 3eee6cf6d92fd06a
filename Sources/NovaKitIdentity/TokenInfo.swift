public import Foundation
public import NovaKitCore
public import NovaKitHTTP
public import NovaKitPolicy

/// What a valid token stands for: user, scope, roles (implied roles expanded) and lifetime.
public struct TokenInfo: Sendable {
    public let user: UserRecord
    public let userDomain: DomainRecord
    public let project: ProjectRecord?
    public let projectDomain: DomainRecord?
    public let roles: [RoleRecord]
    public let methods: [String]
    public let issuedAt: Date
    public let expiresAt: Date
    public let auditID: String
    /// Scoped to the whole deployment (`"system": {"all": true}`) rather than a project.
    public var isSystemScoped: Bool = false
    /// The application credential the token was made from.
    public var applicationCredential: ApplicationCredentialRecord? = nil

    /// The calls the token may make when its application credential has access rules, else `nil` (decoded once,
    /// when the token is loaded, since every request made with it checks them).
    public var accessRules: [AccessRule]? = nil

    public var roleNames: [String] { roles.map(\.name) }
    public var isAdmin: Bool { roleNames.contains("admin") }

    /// Policy credentials of the token's holder.
    public var credentials: PolicyCredentials {
        PolicyCredentials(userID: user.id, projectID: project?.id, roles: roleNames, isAdmin: isAdmin, systemScope: isSystemScoped ? "all" : nil)
    }

    /// Keystone's token body; `catalog` is omitted for unscoped tokens or `?nocatalog`.
    public func body(catalog: JSON?) -> JSON {
        var token: JSON = [
            "methods": .array(methods.map(JSON.string)),
            "user": [
                "id": .string(user.id), "name": .string(user.name), "password_expires_at": nil,
                "domain": ["id": .string(userDomain.id), "name": .string(userDomain.name)],
            ],
            "expires_at": .string(Self.format(expiresAt)), "issued_at": .string(Self.format(issuedAt)),
            "audit_ids": [.string(auditID)],
        ]
        if let project, let projectDomain {
            token["project"] = [
                "id": .string(project.id), "name": .string(project.name),
                "domain": ["id": .string(projectDomain.id), "name": .string(projectDomain.name)],
            ]
            token["is_domain"] = false
        } else if isSystemScoped {
            token["system"] = ["all": true]
        }
        if project != nil || isSystemScoped {
            token["roles"] = .array(roles.map { ["id": .string($0.id), "name": .string($0.name)] })
            if let catalog { token["catalog"] = catalog }
        }
        if let credential = applicationCredential {
            var shown: JSON = ["id": .string(credential.id), "name": .string(credential.name), "restricted": .bool(!credential.unrestricted)]
            if let rules = accessRules { shown["access_rules"] = .array(rules.map(\.json)) }
            token["application_credential"] = shown
        }
        return ["token": token]
    }

    /// `2026-01-01T12:00:00.000000Z`
    static func format(_ date: Date) -> String { Timestamp.naive(date) + "Z" }
}
