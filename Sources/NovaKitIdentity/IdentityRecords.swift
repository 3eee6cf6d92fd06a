public import Foundation
import NovaKitHTTP

/// A row of an identity table; `id` is the public (Keystone) id, the integer row id stays internal.
public protocol IdentityRecord: Codable, Sendable {
    static var table: String { get }
    var id: String { get }
}

public struct DomainRecord: IdentityRecord {
    public static let table = "identity_domains"
    public var id: String
    public var name: String
    public var description: String
    public var enabled: Bool
}

public struct ProjectRecord: IdentityRecord {
    public static let table = "identity_projects"
    public var id: String
    public var name: String
    public var domainId: String
    public var description: String
    public var enabled: Bool
}

public struct UserRecord: IdentityRecord {
    public static let table = "identity_users"
    public var id: String
    public var name: String
    public var domainId: String
    public var passwordHash: String?
    public var enabled: Bool
    public var defaultProjectId: String?
    public var email: String?
    public var description: String? = nil
}

public struct RoleRecord: IdentityRecord {
    public static let table = "identity_roles"
    public var id: String
    public var name: String
    public var description: String? = nil
}

public struct AssignmentRecord: IdentityRecord {
    public static let table = "identity_assignments"
    public var id: String
    public var userId: String
    public var projectId: String
    public var roleId: String
}

public struct ServiceRecord: IdentityRecord {
    public static let table = "identity_services"
    public var id: String
    public var type: String
    public var name: String
    public var description: String
    public var enabled: Bool
}

public struct EndpointRecord: IdentityRecord {
    public static let table = "identity_endpoints"
    public var id: String
    public var serviceId: String
    public var interface: String
    public var region: String
    public var url: String
    public var enabled: Bool
}

public struct RegionRecord: IdentityRecord {
    public static let table = "identity_regions"
    public var id: String
    public var description: String
    public var parentRegionId: String?
}

/// A token; `id` is the SHA-256 of the token, which itself is never stored.
public struct TokenRecord: IdentityRecord {
    public static let table = "identity_tokens"
    public var id: String
    public var userId: String
    public var projectId: String?
    public var methods: String
    public var issuedAt: Date
    public var expiresAt: Date
    public var auditId: String
    /// `all` for a system-scoped token.
    public var system: String? = nil
    /// The application credential the token was made from.
    public var applicationCredentialId: String? = nil
}

/// An application credential: a secret (stored only as a bcrypt hash) that authenticates as its user, on
/// its project, with a subset of the user's roles there, and optionally only for the calls its access rules
/// name.
public struct ApplicationCredentialRecord: IdentityRecord {
    public static let table = "identity_application_credentials"
    public var id: String
    public var name: String
    public var description: String
    public var userId: String
    public var projectId: String
    public var secretHash: String
    public var expiresAt: Date?
    public var unrestricted: Bool
    /// Role ids, comma-separated.
    public var roleIds: String
    /// The access rules as JSON (`[{"id", "service", "method", "path"}]`), or `nil` for none.
    public var accessRules: String?

    /// `roleIds` as a list.
    var roleIDList: [String] { roleIds.split(separator: ",").map(String.init) }

    /// `accessRules` decoded; `nil` when the credential has none.
    var accessRuleList: [AccessRule]? {
        accessRules.map { (try? JSONDecoder().decode([AccessRule].self, from: Data($0.utf8))) ?? [] }
    }
}

/// A role a user holds on the whole deployment (Keystone's system role assignment).
public struct SystemAssignmentRecord: IdentityRecord {
    public static let table = "identity_system_assignments"
    public var id: String
    public var userId: String
    public var roleId: String
}

/// A group of users in a domain; roles granted to it count for each member.
public struct GroupRecord: IdentityRecord {
    public static let table = "identity_groups"
    public var id: String
    public var name: String
    public var domainId: String
    public var description: String
}

/// A user's membership of a group.
public struct GroupMembershipRecord: IdentityRecord {
    public static let table = "identity_group_memberships"
    public var id: String
    public var groupId: String
    public var userId: String
}

/// A role a group holds on a project, which each of its members holds there too.
public struct GroupAssignmentRecord: IdentityRecord {
    public static let table = "identity_group_assignments"
    public var id: String
    public var groupId: String
    public var projectId: String
    public var roleId: String
}

/// A resource's default limit for every project (Keystone's unified limits); `regionId` is `""` when the
/// limit holds in every region, so the unique constraint sees it.
public struct RegisteredLimitRecord: IdentityRecord {
    public static let table = "identity_registered_limits"
    public var id: String
    public var serviceId: String
    public var regionId: String
    public var resourceName: String
    public var defaultLimit: Int
    public var description: String
}

/// A project's own limit for a resource that has a registered limit; `regionId` as there.
public struct LimitRecord: IdentityRecord {
    public static let table = "identity_limits"
    public var id: String
    public var projectId: String
    public var serviceId: String
    public var regionId: String
    public var resourceName: String
    public var resourceLimit: Int
    public var description: String
}
