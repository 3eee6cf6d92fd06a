import Foundation
import HTTPTypes
import NovaKitCore

/// Role grants on projects (`/v3/projects/{p}/users/{u}/roles/{r}`), `/v3/role_assignments`, a user's projects.
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
            IdentityRoute(.get, "v3/role_assignments", assignments),
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
                    let assigned = Set(try await directory.assignments.list(["user_id": user]).map(\.projectId))
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

    /// `GET /v3/role_assignments` with `user.id`, `scope.project.id`, `role.id` filters and `include_names`.
    static func assignments(_ request: IdentityRequest) async throws -> IdentityReply {
        try await request.authorize(IdentityPolicies.rule("list_role_assignments"))
        var filter: [String: String] = [:]
        for (query, column) in [("user.id", "user_id"), ("scope.project.id", "project_id"), ("role.id", "role_id")] {
            if let value = request.query[query] { filter[column] = value }
        }
        // `scope.system=all` asks for system assignments only, a project scope for project ones only.
        let systemOnly = request.query["scope.system"] != nil
        let projectOnly = request.query["scope.project.id"] != nil
        let names = request.query["include_names"].map { $0 != "0" && $0.lowercased() != "false" } ?? false
        let chosen = filter
        let items: [JSON] = try await request.service.read { directory in
            let roles = try await directory.roles.list()
            let users = names ? try await directory.users.list() : []
            let projects = names ? try await directory.projects.list() : []
            func named(_ id: String, _ name: String?) -> JSON {
                var reference: JSON = ["id": .string(id)]
                if names { reference["name"] = .string(name) }
                return reference
            }
            let onProjects: [JSON] =
                systemOnly
                ? []
                : try await directory.assignments.list(chosen).map { a in
                    let link = "\(request.base)/projects/\(a.projectId)/users/\(a.userId)/roles/\(a.roleId)"
                    return [
                        "role": named(a.roleId, roles.first { $0.id == a.roleId }?.name),
                        "user": named(a.userId, users.first { $0.id == a.userId }?.name),
                        "scope": ["project": named(a.projectId, projects.first { $0.id == a.projectId }?.name)],
                        "links": ["assignment": .string(link)],
                    ]
                }
            var systemFilter = chosen
            systemFilter["project_id"] = nil
            let onSystem: [JSON] =
                projectOnly
                ? []
                : try await directory.systemAssignments.list(systemFilter).map { a in
                    [
                        "role": named(a.roleId, roles.first { $0.id == a.roleId }?.name),
                        "user": named(a.userId, users.first { $0.id == a.userId }?.name),
                        "scope": ["system": ["all": true]],
                        "links": ["assignment": .string("\(request.base)/system/users/\(a.userId)/roles/\(a.roleId)")],
                    ]
                }
            return onProjects + onSystem
        }
        return .ok(IdentityViews.list("role_assignments", items, request.base))
    }
}
