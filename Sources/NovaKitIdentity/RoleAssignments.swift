import Foundation
import HTTPTypes
import NovaKitCore

/// `GET /v3/role_assignments`: the grants on projects (to users and to groups) and on the system, filtered by
/// `user.id`, `group.id`, `role.id`, `scope.project.id` and `scope.system`, with names on `include_names`.
/// `effective` lists what tokens see instead: a group's grant becomes one per member, and each role brings the
/// roles it implies, as Keystone expands them.
enum RoleAssignments {
    enum Actor: Hashable {
        case user(String)
        case group(String)
    }

    enum Scope: Hashable {
        case project(String)
        case system
    }

    /// Who holds which role where: what makes two assignments the same.
    struct Grant: Hashable {
        var roleID: String
        var actor: Actor
        var scope: Scope
    }

    /// One assignment before it is rendered; `links` are Keystone's (`assignment`, and for effective ones
    /// `membership` and `prior_role`).
    struct Entry {
        var roleID: String
        var actor: Actor
        var scope: Scope
        var links: [String: String]

        var grant: Grant { Grant(roleID: roleID, actor: actor, scope: scope) }
    }

    static func list(_ request: IdentityRequest) async throws -> IdentityReply {
        try await request.authorize(IdentityPolicies.rule("list_role_assignments"))
        let query = request.query
        func flag(_ name: String) -> Bool { query[name].map { $0 != "0" && $0.lowercased() != "false" } ?? false }
        let effective = query["effective"].map { $0.isEmpty || flag("effective") } ?? false
        let names = flag("include_names")
        if effective && query["group.id"] != nil {
            throw IdentityError.badRequest("Combining effective and group filter will always result in an empty list.")
        }
        let base = request.base
        let items: [JSON] = try await request.service.read { directory in
            let roles = try await directory.roles.list()
            var entries = try await granted(directory, base)
            if effective { entries = try await expand(entries, directory, roles: roles, base) }
            let chosen = entries.filter { matches($0, query) }
            let roleNames = Dictionary(roles.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            var named: [String: (name: String, domainID: String)] = [:]
            var domainNames: [String: String] = [:]
            if names {
                for user in try await directory.users.list() { named["user/\(user.id)"] = (user.name, user.domainId) }
                for group in try await directory.groups.list() { named["group/\(group.id)"] = (group.name, group.domainId) }
                for project in try await directory.projects.list() { named["project/\(project.id)"] = (project.name, project.domainId) }
                for domain in try await directory.domains.list() { domainNames[domain.id] = domain.name }
            }
            /// `{"id"}`, with `include_names` also the name and the domain (`{"id", "name"}`) it lives in.
            func reference(_ kind: String, _ id: String) -> JSON {
                var reference: JSON = ["id": .string(id)]
                guard names else { return reference }
                if kind == "role" {
                    reference["name"] = .string(roleNames[id])
                } else if let found = named["\(kind)/\(id)"] {
                    reference["name"] = .string(found.name)
                    reference["domain"] = ["id": .string(found.domainID), "name": .string(domainNames[found.domainID])]
                }
                return reference
            }
            return chosen.map { entry in
                var item: JSON = ["role": reference("role", entry.roleID), "links": .object(entry.links.mapValues { .string($0) })]
                switch entry.actor {
                case .user(let id): item["user"] = reference("user", id)
                case .group(let id): item["group"] = reference("group", id)
                }
                switch entry.scope {
                case .project(let id): item["scope"] = ["project": reference("project", id)]
                case .system: item["scope"] = ["system": ["all": true]]
                }
                return item
            }
        }
        return .ok(IdentityViews.list("role_assignments", items, base))
    }

    /// Every grant as stored: users and groups on projects, users on the system.
    static func granted(_ directory: Directory, _ base: String) async throws -> [Entry] {
        let onProjects = try await directory.assignments.list().map { a in
            Entry(
                roleID: a.roleId, actor: .user(a.userId), scope: .project(a.projectId),
                links: ["assignment": "\(base)/projects/\(a.projectId)/users/\(a.userId)/roles/\(a.roleId)"])
        }
        let toGroups = try await directory.groupAssignments.list().map { a in
            Entry(
                roleID: a.roleId, actor: .group(a.groupId), scope: .project(a.projectId),
                links: ["assignment": "\(base)/projects/\(a.projectId)/groups/\(a.groupId)/roles/\(a.roleId)"])
        }
        let onSystem = try await directory.systemAssignments.list().map { a in
            Entry(
                roleID: a.roleId, actor: .user(a.userId), scope: .system,
                links: ["assignment": "\(base)/system/users/\(a.userId)/roles/\(a.roleId)"])
        }
        return onProjects + toGroups + onSystem
    }

    /// Group grants replaced by one per member, then each role followed by the roles it implies; an
    /// assignment reached twice is listed once.
    static func expand(_ entries: [Entry], _ directory: Directory, roles: [RoleRecord], _ base: String) async throws -> [Entry] {
        let members = Dictionary(grouping: try await directory.memberships.list(), by: \.groupId)
        var perUser: [Entry] = []
        for entry in entries {
            guard case .group(let group) = entry.actor else {
                perUser.append(entry)
                continue
            }
            for member in members[group] ?? [] {
                var inherited = entry
                inherited.actor = .user(member.userId)
                inherited.links["membership"] = "\(base)/groups/\(group)/users/\(member.userId)"
                perUser.append(inherited)
            }
        }
        let byName = Dictionary(roles.map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a })
        let nameOf = Dictionary(roles.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var seen: Set<Grant> = []
        var result: [Entry] = []
        for entry in perUser {
            var frontier = [entry]
            while let next = frontier.popLast() {
                guard seen.insert(next.grant).inserted else { continue }
                result.append(next)
                for impliedName in Directory.implied[nameOf[next.roleID] ?? ""] ?? [] {
                    guard let impliedID = byName[impliedName] else { continue }
                    var implied = next
                    implied.roleID = impliedID
                    implied.links["prior_role"] = "\(base)/roles/\(next.roleID)"
                    frontier.append(implied)
                }
            }
        }
        return result
    }

    /// Whether the entry passes the query's filters.
    static func matches(_ entry: Entry, _ query: [String: String]) -> Bool {
        if let role = query["role.id"], entry.roleID != role { return false }
        if let user = query["user.id"], entry.actor != .user(user) { return false }
        if let group = query["group.id"], entry.actor != .group(group) { return false }
        if let project = query["scope.project.id"], entry.scope != .project(project) { return false }
        if query["scope.system"] != nil, entry.scope != .system { return false }
        return true
    }
}
