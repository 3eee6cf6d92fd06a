import NovaKitPolicy
import PropertyBased
import Testing

/// Any check string parses or is refused, and any rule set — rules referring to each other in loops included —
/// is judged without crashing or hanging.
@Suite("Properties of the policy language", .timeLimit(.minutes(1)))
struct PolicyPropertyTests {
    static let words = [
        "(", ")", "and", "or", "not", "role:admin", "role:member", "rule:a", "rule:b", "rule:missing", "project_id:%(project_id)s",
        "user_id:%(target.user.id)s", "is_admin:True", "@", "!", "'x':%(y)s", "True:%(z)s", "%(", "::", "",
    ]
    static let checkString = Gen.element(of: words).map { $0! }.array(of: 0...12).map { $0.joined(separator: " ") }

    @Test("the parser refuses or accepts any sequence of policy words")
    func parser() async {
        await propertyCheck(count: 3000, input: Self.checkString) { text in
            _ = try? PolicyParser.parse(text)
        }
    }

    @Test("rules that refer to each other, even in loops, are judged without crashing")
    func enforcer() async {
        await propertyCheck(count: 1000, input: Self.checkString, Self.checkString) { first, second in
            let defaults = [PolicyDefault("a", "rule:b"), PolicyDefault("b", "role:admin"), PolicyDefault("c", "@")]
            guard let enforcer = try? PolicyEnforcer(defaults: defaults, overrides: ["a": first, "b": second]) else { return }
            let credentials = PolicyCredentials(userID: "u", projectID: "p", roles: ["member"], isAdmin: false)
            for rule in ["a", "b", "c"] {
                _ = enforcer.allows(rule, credentials: credentials, target: ["project_id": "p", "target.user.id": "u"])
            }
            #expect(enforcer.allows("c", credentials: credentials, target: [:]))
        }
    }
}
