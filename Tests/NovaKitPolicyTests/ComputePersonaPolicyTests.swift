import NovaKitPolicy
import Testing

/// Nova's base rules against Keystone's personas, as Nova documents them: the project-scoped roles act on their
/// own project (reader reads, member changes, manager manages), the admin role administers whatever the
/// scope. Nova's current defaults name no `system_scope`: a system-scoped token counts through its roles
/// alone, so a system admin administers and a system reader has no project to read.
@Suite("Compute personas")
struct ComputePersonaPolicyTests {
    static let enforcer = try! PolicyEnforcer(defaults: PolicyDefault.baseRules, overrides: [:])

    static let personas: [String: PolicyCredentials] = [
        "project-admin": PolicyCredentials(userID: "a", projectID: "p", roles: ["admin", "manager", "member", "reader"], isAdmin: true),
        "system-admin": PolicyCredentials(
            userID: "s", projectID: nil, roles: ["admin", "manager", "member", "reader"], isAdmin: true, systemScope: "all"),
        "system-reader": PolicyCredentials(userID: "r", projectID: nil, roles: ["reader"], isAdmin: false, systemScope: "all"),
        "project-manager": PolicyCredentials(userID: "g", projectID: "p", roles: ["manager", "member", "reader"], isAdmin: false),
        "project-member": PolicyCredentials(userID: "m", projectID: "p", roles: ["member", "reader"], isAdmin: false),
        "project-reader": PolicyCredentials(userID: "e", projectID: "p", roles: ["reader"], isAdmin: false),
    ]

    static func allowed(_ rule: String, project: String) -> Set<String> {
        Set(personas.filter { enforcer.allows(rule, credentials: $0.value, target: ["project_id": project]) }.keys)
    }

    static let admins: Set = ["project-admin", "system-admin"]

    @Test("admin rules accept the admin role in either scope, nobody else")
    func adminRules() {
        for rule in ["context_is_admin", "admin_api"] {
            #expect(Self.allowed(rule, project: "p") == Self.admins, "\(rule)")
            #expect(Self.allowed(rule, project: "elsewhere") == Self.admins, "\(rule)")
        }
    }

    @Test("project rules accept the project's own roles on their project, admins anywhere")
    func projectRules() {
        #expect(Self.allowed("project_reader_or_admin", project: "p") == Self.admins.union(["project-manager", "project-member", "project-reader"]))
        #expect(Self.allowed("project_member_or_admin", project: "p") == Self.admins.union(["project-manager", "project-member"]))
        #expect(Self.allowed("project_manager_or_admin", project: "p") == Self.admins.union(["project-manager"]))
        for rule in ["project_reader_or_admin", "project_member_or_admin", "project_manager_or_admin"] {
            #expect(Self.allowed(rule, project: "elsewhere") == Self.admins, "\(rule)")
        }
        #expect(Self.allowed("admin_or_owner", project: "p") == Set(Self.personas.keys).subtracting(["system-reader"]))
    }

    @Test("a system reader has no project, so no project rule accepts it")
    func systemReader() {
        for rule in ["project_reader_api", "project_member_api", "project_manager_api", "project_reader_or_admin", "admin_api"] {
            #expect(!Self.allowed(rule, project: "p").contains("system-reader"), "\(rule)")
        }
    }
}
