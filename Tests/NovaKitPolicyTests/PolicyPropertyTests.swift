import Foundation
import PropertyBased
import Testing

@testable import NovaKitPolicy

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

    /// Found by the property above: before memoisation, rules naming each other several times took
    /// exponential time and hung the request.
    @Test("rules that refer to one another many times are decided at once, and a loop denies")
    func manyReferences() throws {
        var overrides: [String: String] = [:]
        for level in 0..<40 {
            overrides["r\(level)"] = Array(repeating: "rule:r\(level + 1)", count: 8).joined(separator: " or ") + " and role:x\(level)"
        }
        overrides["r40"] = "role:member"
        overrides["loop"] = "rule:loop or rule:loop or role:nobody"
        let defaults = (0...40).map { PolicyDefault("r\($0)", "@") } + [PolicyDefault("loop", "@")]
        let enforcer = try PolicyEnforcer(defaults: defaults, overrides: overrides)
        let member = PolicyCredentials(userID: "u", projectID: "p", roles: ["member"], isAdmin: false)
        let reader = PolicyCredentials(userID: "u", projectID: "p", roles: ["reader"], isAdmin: false)
        // 8^40 paths lead from r0 to r40; each rule is decided once.
        let (memberAllowed, readerAllowed) = (
            enforcer.allows("r0", credentials: member, target: [:]), enforcer.allows("r0", credentials: reader, target: [:])
        )
        #expect(memberAllowed && !readerAllowed)
        let loopAllowed = enforcer.allows("loop", credentials: member, target: [:])
        #expect(!loopAllowed)
    }

    static let templatePieces = ["%(", ")s", "%", "(", ")", "s", "project_id", "user_id", "missing", "é", "🌍", "x", ":", "%(%(", ")s)s"]
    static let template = Gen.element(of: templatePieces).map { $0! }.array(of: 0...10).map { $0.joined() }

    @Test("substituting %(key)s in a check's text gives what a plain search for the markers gives")
    func substitution() async {
        let target = ["project_id": "p-1", "user_id": "ü", "(": "paren", "%(project_id": "odd"]
        await propertyCheck(count: 5000, input: Self.template) { text in
            #expect(PolicyEnforcer.substitute(text, target) == Self.referenceSubstitute(text, target), "\(text)")
        }
        #expect(PolicyEnforcer.substitute("project_id:%(project_id)s", target) == "project_id:p-1")
        #expect(PolicyEnforcer.substitute("%(missing)s", target) == nil)
        #expect(PolicyEnforcer.substitute("%(project_id", target) == nil)
        #expect(PolicyEnforcer.substitute("100%", target) == "100%")
    }

    /// The substitution as first written, with Foundation's `range(of:)`: the first `%(`, then the first `)s` after it.
    static func referenceSubstitute(_ text: String, _ target: [String: String]) -> String? {
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "%(") {
            guard let end = rest[start.upperBound...].range(of: ")s") else { return nil }
            guard let value = target[String(rest[start.upperBound..<end.lowerBound])] else { return nil }
            result += rest[..<start.lowerBound] + value
            rest = rest[end.upperBound...]
        }
        return result + rest
    }
}
