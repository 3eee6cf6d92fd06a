import Foundation
import HTTPTypes
import NovaKitCore

/// `/v3/groups`: groups in a domain, their members (`/v3/groups/{g}/users/{u}`, `/v3/users/{u}/groups`) and
/// the roles they hold on projects (`/v3/projects/{p}/groups/{g}/roles/{r}`), which count for every member in
/// tokens and in effective role assignments.
enum GroupRoutes {
    static let membership = "v3/groups/{group_id}/users/{user_id}"
    static let grant = "v3/projects/{project_id}/groups/{group_id}/roles/{role_id}"

    static let groups = IdentityCRUD<GroupRecord>(
        collection: "groups", member: "group", filters: ["name", "domain_id"],
        createSchema: .object(
            ["name": DirectoryRoutes.name, "domain_id": DirectoryRoutes.name, "description": DirectoryRoutes.text], required: ["name"],
            additional: true),
        updateSchema: .object(["name": DirectoryRoutes.name, "description": DirectoryRoutes.text], additional: true),
        make: { body, request in
            let domainID = body["domain_id"]?.stringValue ?? "default"
            guard try await request.service.read({ try await $0.domains.find(domainID) }) != nil else {
                throw IdentityError.notFound("domain", domainID)
            }
            return GroupRecord(
                id: request.service.newID(), name: body["name"]?.stringValue ?? "", domainId: domainID,
                description: body["description"]?.stringValue ?? "")
        },
        apply: { record, body, _ in
            if let name = body["name"]?.stringValue { record.name = name }
            if let description = body["description"] { record.description = description.stringValue ?? "" }
        },
        view: IdentityViews.group,
        unique: { ["domain_id": $0.domainId, "name": $0.name] },
        cascade: { directory, record, now in
            try await directory.memberships.delete(where: "group_id", equals: record.id, at: now)
            try await directory.groupAssignments.delete(where: "group_id", equals: record.id, at: now)
        })

    static var routes: [IdentityRoute] {
        groups.routes + membershipRoutes + grantRoutes
    }

    static var membershipRoutes: [IdentityRoute] {
        [
            IdentityRoute(.put, membership) { request in
                try await request.authorize(IdentityPolicies.rule("add_user_to_group"))
                let (group, user) = try await membershipParts(request)
                try await request.service.change { directory, now in
                    guard try await directory.memberships.list(["group_id": group, "user_id": user]).isEmpty else { return }
                    try await directory.memberships.insert(GroupMembershipRecord(id: request.service.newID(), groupId: group, userId: user), at: now)
                }
                return .noContent
            },
            IdentityRoute(.head, membership, checkMembership),
            IdentityRoute(.get, membership, checkMembership),
            IdentityRoute(.delete, membership) { request in
                try await request.authorize(IdentityPolicies.rule("remove_user_from_group"))
                let (group, user) = try await membershipParts(request)
                let removed = try await request.service.change { directory, now in
                    let matching = try await directory.memberships.list(["group_id": group, "user_id": user])
                    for found in matching { try await directory.memberships.delete(equals: found.id, at: now) }
                    return matching.count
                }
                guard removed > 0 else { throw IdentityError.notFound("membership", "\(group)/\(user)") }
                return .noContent
            },
            IdentityRoute(.get, "v3/groups/{group_id}/users") { request in
                try await request.authorize(IdentityPolicies.rule("list_users_in_group"))
                let group = request.parameter("group_id")
                let users = try await request.service.read { directory in
                    guard try await directory.groups.find(group) != nil else { throw IdentityError.notFound("group", group) }
                    let members = Set(try await directory.memberships.list(["group_id": group]).map(\.userId))
                    return try await directory.users.list().filter { members.contains($0.id) }
                }
                return .ok(IdentityViews.list("users", users.map { IdentityViews.user($0, request.base) }, request.base))
            },
            IdentityRoute(.get, "v3/users/{user_id}/groups") { request in
                let user = request.parameter("user_id")
                try await request.authorize(IdentityPolicies.rule("list_groups_for_user"), target: ["target.user.id": user])
                let groups = try await request.service.read { directory in
                    guard try await directory.users.find(user) != nil else { throw IdentityError.notFound("user", user) }
                    let mine = try await directory.groupIDs(of: user)
                    return try await directory.groups.list().filter { mine.contains($0.id) }
                }
                return .ok(IdentityViews.list("groups", groups.map { IdentityViews.group($0, request.base) }, request.base))
            },
        ]
    }

    static var grantRoutes: [IdentityRoute] {
        [
            IdentityRoute(.put, grant) { request in
                try await request.authorize(IdentityPolicies.rule("create_grant"))
                let (project, group, role) = try await grantParts(request)
                try await request.service.change { directory, now in
                    guard try await directory.groupAssignments.list(["group_id": group, "project_id": project, "role_id": role]).isEmpty else {
                        return
                    }
                    let assignment = GroupAssignmentRecord(id: request.service.newID(), groupId: group, projectId: project, roleId: role)
                    try await directory.groupAssignments.insert(assignment, at: now)
                }
                return .noContent
            },
            IdentityRoute(.head, grant, checkGrant),
            IdentityRoute(.get, grant, checkGrant),
            IdentityRoute(.delete, grant) { request in
                try await request.authorize(IdentityPolicies.rule("revoke_grant"))
                let (project, group, role) = try await grantParts(request)
                let removed = try await request.service.change { directory, now in
                    let matching = try await directory.groupAssignments.list(["group_id": group, "project_id": project, "role_id": role])
                    for found in matching { try await directory.groupAssignments.delete(equals: found.id, at: now) }
                    return matching.count
                }
                guard removed > 0 else { throw IdentityError.notFound("role assignment", role) }
                return .noContent
            },
            IdentityRoute(.get, "v3/projects/{project_id}/groups/{group_id}/roles") { request in
                try await request.authorize(IdentityPolicies.rule("list_grants"))
                let project = request.parameter("project_id")
                let group = request.parameter("group_id")
                let roles = try await request.service.read { directory in
                    guard try await directory.projects.find(project) != nil else { throw IdentityError.notFound("project", project) }
                    guard try await directory.groups.find(group) != nil else { throw IdentityError.notFound("group", group) }
                    let ids = Set(try await directory.groupAssignments.list(["group_id": group, "project_id": project]).map(\.roleId))
                    return try await directory.roles.list().filter { ids.contains($0.id) }
                }
                return .ok(IdentityViews.list("roles", roles.map { IdentityViews.role($0, request.base) }, request.base))
            },
        ]
    }

    /// 204 when the user is a member of the group, else 404.
    static func checkMembership(_ request: IdentityRequest) async throws -> IdentityReply {
        try await request.authorize(IdentityPolicies.rule("check_user_in_group"))
        let (group, user) = try await membershipParts(request)
        let found = try await request.service.read { try await $0.memberships.list(["group_id": group, "user_id": user]) }
        guard !found.isEmpty else { throw IdentityError.notFound("membership", "\(group)/\(user)") }
        return .noContent
    }

    /// 204 when the group holds the role on the project, else 404.
    static func checkGrant(_ request: IdentityRequest) async throws -> IdentityReply {
        try await request.authorize(IdentityPolicies.rule("check_grant"))
        let (project, group, role) = try await grantParts(request)
        let found = try await request.service.read {
            try await $0.groupAssignments.list(["group_id": group, "project_id": project, "role_id": role])
        }
        guard !found.isEmpty else { throw IdentityError.notFound("role assignment", role) }
        return .noContent
    }

    /// The group and user of a membership URL, each of which must exist (404).
    static func membershipParts(_ request: IdentityRequest) async throws -> (group: String, user: String) {
        let group = request.parameter("group_id")
        let user = request.parameter("user_id")
        try await request.service.read { directory in
            guard try await directory.groups.find(group) != nil else { throw IdentityError.notFound("group", group) }
            guard try await directory.users.find(user) != nil else { throw IdentityError.notFound("user", user) }
        }
        return (group, user)
    }

    /// The project, group and role of a group grant URL, each of which must exist (404).
    static func grantParts(_ request: IdentityRequest) async throws -> (project: String, group: String, role: String) {
        let project = request.parameter("project_id")
        let group = request.parameter("group_id")
        let role = request.parameter("role_id")
        try await request.service.read { directory in
            guard try await directory.projects.find(project) != nil else { throw IdentityError.notFound("project", project) }
            guard try await directory.groups.find(group) != nil else { throw IdentityError.notFound("group", group) }
            guard try await directory.roles.find(role) != nil else { throw IdentityError.notFound("role", role) }
        }
        return (project, group, role)
    }
}
