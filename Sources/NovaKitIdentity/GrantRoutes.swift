import Foundation
import HTTPTypes
import NovaKitCore

/// Role grants to users on projects (`/v3/projects/{p}/users/{u}/roles/{r}`) and on the system, a user's projects.
enum GrantRoutes {
    static let grant = "v3/projects/{project_id}/users/{user_id}/roles/{role_id}"
    static let systemGrant = "v3/system/users/{user_id}/roles/{role_id}"

    /// 204 when the user holds the role on the system, else 404.
    static func checkSystemGrant(_ request: IdentityRequest) async throws -> IdentityReply {
        try await request.authorize(IdentityPolicies.rule("check_system_grant_for_user"))
        let (user, role) = try await systemParts(request)
        let found = try await request.service.read { try await $0.systemAssignments.list(["user_id": user, "role_id": role]) }
        guard !found.isEmpty else { throw IdentityError.notFound("role assignment", role) }
        return .noContent
    }

    /// The user and role of a system grant URL, each of which must exist (404).
    static func systemParts(_ request: IdentityRequest) async throws -> (user: String, role: String) {
        let user = request.parameter("user_id")
        let role = request.parameter("role_id")
        try await request.service.read { directory in
            guard try await directory.users.find(user) != nil else { throw IdentityError.notFound("user", user) }
            guard try await directory.roles.find(role) != nil else { throw IdentityError.notFound("role", role) }
        }
        return (user, role)
    }

    static var routes: [IdentityRoute] {
        [
            IdentityRoute(.put, grant) { request in
                try await request.authorize(IdentityPolicies.rule("create_grant"))
                let (project, user, role) = try await parts(request)
                try await request.service.change { directory, now in
                    guard try await directory.assignments.list(["user_id": user, "project_id": project, "role_id": role]).isEmpty else { return }
                    let assignment = AssignmentRecord(id: request.service.newID(), userId: user, projectId: project, roleId: role)
                    try await directory.assignments.insert(assignment, at: now)
                }
                return .noContent
            },
            IdentityRoute(.head, grant) { request in
                try await request.authorize(IdentityPolicies.rule("check_grant"))
                let (project, user, role) = try await parts(request)
                let found = try await request.service.read {
                    try await $0.assignments.list(["user_id": user, "project_id": project, "role_id": role])
                }
                guard !found.isEmpty else { throw IdentityError.notFound("role assignment", role) }
                return .noContent
            },
            IdentityRoute(.delete, grant) { request in
                try await request.authorize(IdentityPolicies.rule("revoke_grant"))
                let (project, user, role) = try await parts(request)
                let removed = try await request.service.change { directory, now in
                    let matching = try await directory.assignments.list(["user_id": user, "project_id": project, "role_id": role])
                    for assignment in matching { try await directory.assignments.delete(equals: assignment.id, at: now) }
                    return matching.count
                }
                guard removed > 0 else { throw IdentityError.notFound("role assignment", role) }
                return .noContent
            },
            IdentityRoute(.get, "v3/projects/{project_id}/users/{user_id}/roles") { request in
                try await request.authorize(IdentityPolicies.rule("list_grants"))
                let project = request.parameter("project_id")
                let user = request.parameter("user_id")
                let roles = try await request.service.read { directory in
                    let ids = Set(try await directory.assignments.list(["user_id": user, "project_id": project]).map(\.roleId))
                    return try await directory.roles.list().filter { ids.contains($0.id) }
                }
                return .ok(IdentityViews.list("roles", roles.map { IdentityViews.role($0, request.base) }, request.base))
            },
            IdentityRoute(.get, "v3/role_assignments", RoleAssignments.list),
            IdentityRoute(.put, systemGrant) { request in
                try await request.authorize(IdentityPolicies.rule("create_system_grant_for_user"))
                let (user, role) = try await systemParts(request)
                try await request.service.change { directory, now in
                    guard try await directory.systemAssignments.list(["user_id": user, "role_id": role]).isEmpty else { return }
                    try await directory.systemAssignments.insert(
                        SystemAssignmentRecord(id: request.service.newID(), userId: user, roleId: role), at: now)
                }
                return .noContent
            },
            IdentityRoute(.head, systemGrant) { request in try await checkSystemGrant(request) },
            IdentityRoute(.get, systemGrant) { request in try await checkSystemGrant(request) },
            IdentityRoute(.delete, systemGrant) { request in
                try await request.authorize(IdentityPolicies.rule("revoke_system_grant_for_user"))
                let (user, role) = try await systemParts(request)
                let removed = try await request.service.change { directory, now in
                    let matching = try await directory.systemAssignments.list(["user_id": user, "role_id": role])
                    for assignment in matching { try await directory.systemAssignments.delete(equals: assignment.id, at: now) }
                    return matching.count
                }
                guard removed > 0 else { throw IdentityError.notFound("role assignment", role) }
                return .noContent
            },
            IdentityRoute(.get, "v3/system/users/{user_id}/roles") { request in
                try await request.authorize(IdentityPolicies.rule("list_system_grants_for_user"))
                let user = request.parameter("user_id")
                let roles = try await request.service.read { directory in
                    guard try await directory.users.find(user) != nil else { throw IdentityError.notFound("user", user) }
                    let ids = Set(try await directory.systemAssignments.list(["user_id": user]).map(\.roleId))
                    return try await directory.roles.list().filter { ids.contains($0.id) }
                }
                return .ok(IdentityViews.list("roles", roles.map { IdentityViews.role($0, request.base) }, request.base))
            },
            IdentityRoute(.get, "v3/users/{user_id}/projects") { request in
                let user = request.parameter("user_id")
                try await request.authorize(IdentityPolicies.rule("list_user_projects"), target: ["target.user.id": user])
                let projects = try await request.service.read { directory in
                    guard try await directory.users.find(user) != nil else { throw IdentityError.notFound("user", user) }
                    let assigned = try await directory.projectIDs(of: user)
                    return try await directory.projects.list().filter { assigned.contains($0.id) }
                }
                return .ok(IdentityViews.list("projects", projects.map { IdentityViews.project($0, request.base) }, request.base))
            },
        ]
    }

    /// The grant's project, user and role ids, each checked to exist (404 otherwise).
    static func parts(_ request: IdentityRequest) async throws -> (String, String, String) {
        let project = request.parameter("project_id")
        let user = request.parameter("user_id")
        let role = request.parameter("role_id")
        try await request.service.read { directory in
            guard try await directory.projects.find(project) != nil else { throw IdentityError.notFound("project", project) }
            guard try await directory.users.find(user) != nil else { throw IdentityError.notFound("user", user) }
            guard try await directory.roles.find(role) != nil else { throw IdentityError.notFound("role", role) }
        }
        return (project, user, role)
    }
}
