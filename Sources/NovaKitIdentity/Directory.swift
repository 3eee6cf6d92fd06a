import Foundation
import NovaKitCore
import SQLKit

/// The identity tables over one connection, with the lookups that span them.
struct Directory {
    let sql: any SQLDatabase

    var domains: IdentityRepository<DomainRecord> { .init(sql: sql) }
    var projects: IdentityRepository<ProjectRecord> { .init(sql: sql) }
    var users: IdentityRepository<UserRecord> { .init(sql: sql) }
    var roles: IdentityRepository<RoleRecord> { .init(sql: sql) }
    var assignments: IdentityRepository<AssignmentRecord> { .init(sql: sql) }
    var services: IdentityRepository<ServiceRecord> { .init(sql: sql) }
    var endpoints: IdentityRepository<EndpointRecord> { .init(sql: sql) }
    var regions: IdentityRepository<RegionRecord> { .init(sql: sql) }
    var systemAssignments: IdentityRepository<SystemAssignmentRecord> { .init(sql: sql) }
    var applicationCredentials: IdentityRepository<ApplicationCredentialRecord> { .init(sql: sql) }
    var groups: IdentityRepository<GroupRecord> { .init(sql: sql) }
    var memberships: IdentityRepository<GroupMembershipRecord> { .init(sql: sql) }
    var groupAssignments: IdentityRepository<GroupAssignmentRecord> { .init(sql: sql) }
    var registeredLimits: IdentityRepository<RegisteredLimitRecord> { .init(sql: sql) }
    var limits: IdentityRepository<LimitRecord> { .init(sql: sql) }
    var tokens: IdentityRepository<TokenRecord> { .init(sql: sql) }

    /// Revokes every token of user `id` (a changed password, as Keystone does); the caller's `change`
    /// drops the cached ones on every node.
    func revokeTokens(ofUser id: String, at now: Date) async throws {
        _ = try await tokens.delete(where: "user_id", equals: id, at: now)
    }

    /// Makes region `id` when it does not exist yet (an endpoint may name a new region, as bootstrap's does).
    func ensureRegion(_ id: String, at now: Date) async throws {
        guard try await regions.find(id) == nil else { return }
        try await regions.insert(RegionRecord(id: id, description: "", parentRegionId: nil), at: now)
    }

    /// Roles that imply others, as Keystone's bootstrap sets them: admin ⇒ manager ⇒ member ⇒ reader.
    static let implied = ["admin": ["manager"], "manager": ["member"], "member": ["reader"]]

    /// The roles assigned to the user on the project, directly or through their groups, plus the roles they imply.
    func effectiveRoles(userID: String, projectID: String) async throws -> [RoleRecord] {
        let direct = try await assignments.list(["user_id": userID, "project_id": projectID]).map(\.roleId)
        let groupIDs = try await groupIDs(of: userID)
        let inherited =
            groupIDs.isEmpty
            ? [] : try await groupAssignments.list(["project_id": projectID]).filter { groupIDs.contains($0.groupId) }.map(\.roleId)
        return try await withImplied(direct + inherited)
    }

    /// The groups the user is a member of.
    func groupIDs(of userID: String) async throws -> Set<String> {
        Set(try await memberships.list(["user_id": userID]).map(\.groupId))
    }

    /// The projects the user has a role on, directly or through their groups.
    func projectIDs(of userID: String) async throws -> Set<String> {
        let direct = try await assignments.list(["user_id": userID]).map(\.projectId)
        let groupIDs = try await groupIDs(of: userID)
        let inherited = groupIDs.isEmpty ? [] : try await groupAssignments.list().filter { groupIDs.contains($0.groupId) }.map(\.projectId)
        return Set(direct + inherited)
    }

    /// The roles the user holds on the system, plus the roles they imply.
    func effectiveSystemRoles(userID: String) async throws -> [RoleRecord] {
        try await withImplied(try await systemAssignments.list(["user_id": userID]).map(\.roleId))
    }

    /// The roles `roleIDs` name, plus the roles they imply.
    func withImplied(_ roleIDs: [String]) async throws -> [RoleRecord] {
        let all = try await roles.list()
        var names = Set(roleIDs.compactMap { id in all.first { $0.id == id }?.name })
        var frontier = Array(names)
        while let name = frontier.popLast() {
            for next in Self.implied[name] ?? [] where names.insert(next).inserted { frontier.append(next) }
        }
        return all.filter { names.contains($0.name) }.sorted { $0.name < $1.name }
    }

    /// The service catalog of a token: every enabled service with its enabled endpoints, their URL templates
    /// filled in for the token (`EndpointTemplate`); an endpoint whose template names something the token
    /// lacks (a project, for an unscoped token) is left out, as Keystone does.
    func catalog(for token: TokenInfo) async throws -> JSON {
        let values = EndpointTemplate.values(userID: token.user.id, projectID: token.project?.id)
        let allEndpoints = try await endpoints.list()
        return .array(
            try await services.list().filter(\.enabled).map { service in
                [
                    "id": .string(service.id), "type": .string(service.type), "name": .string(service.name),
                    "endpoints": .array(
                        allEndpoints.filter { $0.serviceId == service.id && $0.enabled }.compactMap { endpoint in
                            guard let url = EndpointTemplate.fill(endpoint.url, with: values) else { return nil }
                            return [
                                "id": .string(endpoint.id), "interface": .string(endpoint.interface), "region": .string(endpoint.region),
                                "region_id": .string(endpoint.region), "url": .string(url),
                            ]
                        }),
                ]
            })
    }

    /// A project by id, or by name within a domain given by id or name.
    func project(_ reference: JSON?) async throws -> ProjectRecord? {
        guard let reference else { return nil }
        if let id = reference["id"]?.stringValue { return try await projects.find(id) }
        guard let name = reference["name"]?.stringValue, let domain = try await domain(reference["domain"]) else { return nil }
        return try await projects.list(["name": name, "domain_id": domain.id]).first
    }

    /// A user by id, or by name within a domain given by id or name.
    func user(_ reference: JSON?) async throws -> UserRecord? {
        guard let reference else { return nil }
        if let id = reference["id"]?.stringValue { return try await users.find(id) }
        guard let name = reference["name"]?.stringValue, let domain = try await domain(reference["domain"]) else { return nil }
        return try await users.list(["name": name, "domain_id": domain.id]).first
    }

    /// A domain by id or name.
    func domain(_ reference: JSON?) async throws -> DomainRecord? {
        if let id = reference?["id"]?.stringValue { return try await domains.find(id) }
        if let name = reference?["name"]?.stringValue { return try await domains.list(["name": name]).first }
        return nil
    }
}
