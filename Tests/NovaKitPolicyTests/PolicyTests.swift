import NovaKitCore
import NovaKitPolicy
import Testing

@Suite("Policy rule language")
struct PolicyTests {
    static let member = PolicyCredentials(userID: "u1", projectID: "p1", roles: ["member", "reader"], isAdmin: false)
    static let admin = PolicyCredentials(userID: "admin", projectID: "p0", roles: ["admin", "member", "reader"], isAdmin: true)
    static let own = ["project_id": "p1", "user_id": "u1"]
    static let other = ["project_id": "p2", "user_id": "u2"]

    func allows(_ check: String, _ creds: PolicyCredentials, _ target: [String: String]) throws -> Bool {
        let enforcer = try PolicyEnforcer(defaults: PolicyDefault.baseRules + [PolicyDefault("probe", check)])
        return enforcer.allows("probe", credentials: creds, target: target)
    }

    @Test(
        "checks evaluate as oslo.policy",
        arguments: [
            ("", true, true), ("@", true, true), ("!", false, false),
            ("role:member", true, true), ("role:ADMIN", false, false),
            ("is_admin:True", false, false), ("rule:admin_or_owner", true, false),
            ("project_id:%(project_id)s", true, false), ("user_id:%(user_id)s", true, false),
            ("rule:project_member_or_admin", true, false), ("not role:member", false, false),
            ("role:reader and not role:member", false, false), ("(role:admin or role:member) and project_id:%(project_id)s", true, false),
            ("role:admin or (role:member and user_id:%(user_id)s)", true, false), ("'member':%(role)s", false, false),
            ("rule:nonexistent", false, false), ("project_id:%(missing)s", false, false),
            ("True:True", true, true),
        ] as [(String, Bool, Bool)])
    func evaluation(check: String, onOwn: Bool, onOther: Bool) throws {
        #expect(try allows(check, Self.member, Self.own) == onOwn)
        #expect(try allows(check, Self.member, Self.other) == onOther)
    }

    @Test("admins pass admin rules on any project")
    func admin() throws {
        #expect(try allows("rule:admin_or_owner", Self.admin, Self.other))
        #expect(try allows("rule:context_is_admin", Self.admin, Self.other))
        #expect(try allows("is_admin:True", Self.admin, Self.other))
    }

    @Test("parser groups not > and > or and strips parentheses")
    func parser() throws {
        #expect(
            try PolicyParser.parse("a:1 or b:2 and not c:3")
                == .or([.generic(left: "a", right: "1"), .and([.generic(left: "b", right: "2"), .not(.generic(left: "c", right: "3"))])]))
        #expect(try PolicyParser.parse("((role:x))") == .role("x"))
        #expect(throws: PolicyParser.ParseError.self) { try PolicyParser.parse("(role:x") }
        #expect(throws: PolicyParser.ParseError.self) { try PolicyParser.parse("or role:x") }
    }

    @Test("overrides replace defaults; an unparsable override denies; unregistered rules are errors")
    func overrides() throws {
        let defaults = PolicyDefault.baseRules + [PolicyDefault("a", "@"), PolicyDefault("b", "@")]
        let enforcer = try PolicyEnforcer(defaults: defaults, overrides: ["a": "role:admin", "b": "role:member and"])
        #expect(!enforcer.allows("a", credentials: Self.member, target: Self.own))
        #expect(!enforcer.allows("b", credentials: Self.member, target: Self.own))
        #expect(throws: PolicyDenied.self) { try enforcer.authorize("a", credentials: Self.member, target: Self.own) }
        #expect(throws: PolicyEnforcer.UnregisteredRule.self) { try enforcer.authorize("zzz", credentials: Self.member, target: Self.own) }
        #expect(enforcer.effectiveRules["a"] == "role:admin")
    }

    @Test("denials render as Nova's 403 fault")
    func denialFault() {
        #expect(PolicyDenied(rule: "x:y").fault.message == "Policy doesn't allow x:y to be performed.")
        #expect(PolicyDenied(rule: "x:y").fault.code == 403)
    }
}
