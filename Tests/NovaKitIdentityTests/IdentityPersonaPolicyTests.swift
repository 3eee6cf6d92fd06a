import NovaKitPolicy
import Testing

@testable import NovaKitIdentity

/// Keystone's personas against the identity rules that mention system scope: the system admin and a project
/// admin administer, a system reader reads the directory, project members and readers read only themselves.
@Suite("Identity personas")
struct IdentityPersonaPolicyTests {
    static let enforcer = try! PolicyEnforcer(defaults: IdentityPolicies.defaults, overrides: [:])

    static let personas: [String: PolicyCredentials] = [
        "project-admin": PolicyCredentials(userID: "a", projectID: "p", roles: ["admin", "manager", "member", "reader"], isAdmin: true),
        "system-admin": PolicyCredentials(
            userID: "s", projectID: nil, roles: ["admin", "manager", "member", "reader"], isAdmin: true, systemScope: "all"),
        "system-reader": PolicyCredentials(userID: "r", projectID: nil, roles: ["reader"], isAdmin: false, systemScope: "all"),
        "project-member": PolicyCredentials(userID: "m", projectID: "p", roles: ["member", "reader"], isAdmin: false),
        "project-reader": PolicyCredentials(userID: "m", projectID: "p", roles: ["reader"], isAdmin: false),
    ]

    static func allowed(_ action: String, target: [String: String] = [:]) -> Set<String> {
        Set(personas.filter { enforcer.allows("identity:\(action)", credentials: $0.value, target: target) }.keys)
    }

    static let administrators: Set = ["project-admin", "system-admin"]
    static let directoryReaders: Set = ["project-admin", "system-admin", "system-reader"]

    @Test("changes to the directory and to grants are for administrators only")
    func changes() {
        for entity in ["domain", "project", "user", "group", "role", "service", "endpoint", "region", "registered_limit", "limit"] {
            for verb in ["create", "update", "delete"] { #expect(Self.allowed("\(verb)_\(entity)") == Self.administrators, "\(verb)_\(entity)") }
        }
        for action in [
            "create_grant", "revoke_grant", "create_system_grant_for_user", "revoke_system_grant_for_user", "add_user_to_group",
            "remove_user_from_group",
        ] {
            #expect(Self.allowed(action) == Self.administrators, "\(action)")
        }
    }

    @Test("the directory and its grants are read by administrators and system readers")
    func reads() {
        for entity in ["domain", "project", "user", "group", "role", "service", "endpoint"] {
            #expect(Self.allowed("list_\(entity)s") == Self.directoryReaders, "list_\(entity)s")
            #expect(Self.allowed("get_\(entity)", target: ["target.\(entity).id": "elsewhere"]) == Self.directoryReaders, "get_\(entity)")
        }
        for action in [
            "list_role_assignments", "check_grant", "list_grants", "check_system_grant_for_user", "list_system_grants_for_user",
            "list_users_in_group", "check_user_in_group", "get_domain_config", "get_domain_config_default",
        ] {
            #expect(Self.allowed(action) == Self.directoryReaders, "\(action)")
        }
        #expect(Self.allowed("list_regions") == Set(Self.personas.keys))
    }

    @Test("project members and readers read their own project, user and projects")
    func ownRecords() {
        #expect(Self.allowed("get_project", target: ["target.project.id": "p"]) == Set(Self.personas.keys))
        #expect(Self.allowed("get_user", target: ["target.user.id": "m"]) == Self.directoryReaders.union(["project-member", "project-reader"]))
        #expect(
            Self.allowed("list_user_projects", target: ["target.user.id": "m"]) == Self.directoryReaders.union(["project-member", "project-reader"]))
        #expect(Self.allowed("list_user_projects", target: ["target.user.id": "other"]) == Self.directoryReaders)
        #expect(
            Self.allowed("list_groups_for_user", target: ["target.user.id": "m"])
                == Self.directoryReaders.union(["project-member", "project-reader"]))
        #expect(Self.allowed("list_groups_for_user", target: ["target.user.id": "other"]) == Self.directoryReaders)
    }

    @Test("everyone reads limits (the handlers narrow project limits to the caller's project)")
    func limits() {
        for action in ["list_registered_limits", "get_registered_limit", "list_limits", "get_limit"] {
            #expect(Self.allowed(action) == Set(Self.personas.keys), "\(action)")
        }
    }
}
