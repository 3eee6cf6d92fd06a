import Foundation
public import NovaKitCore
import Yams

/// A policy denial: 403 `Policy doesn't allow <rule> to be performed.`
public struct PolicyDenied: Error, Sendable, FaultConvertible {
    public let rule: String
    public init(rule: String) { self.rule = rule }
    public var fault: Fault { .forbidden("Policy doesn't allow \(rule) to be performed.") }
}

/// Evaluates registered rules, with defaults from code overlaid by an operator's policy file.
public struct PolicyEnforcer: Sendable {
    /// A rule name that code uses but nothing registered: a programming error.
    public struct UnregisteredRule: Error, Sendable { public let name: String }

    /// Why a policy file could not be used.
    public struct FileError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    private let checks: [String: PolicyCheck]
    /// The effective check string of every rule: registered defaults overridden by the file.
    public let effectiveRules: [String: String]
    private let registered: Set<String>

    /// Builds an enforcer; a default that does not parse or a duplicate name fails at boot.
    public init(defaults: [PolicyDefault], overrides: [String: String] = [:]) throws {
        var rules: [String: String] = [:]
        for rule in defaults {
            guard rules[rule.name] == nil else { throw FileError(description: "policy rule \(rule.name) is registered twice") }
            _ = try PolicyParser.parse(rule.checkString)
            rules[rule.name] = rule.checkString
        }
        registered = Set(rules.keys)
        rules.merge(overrides) { _, override in override }
        effectiveRules = rules
        // An unparsable override fails closed, as oslo.policy does.
        checks = rules.mapValues { (try? PolicyParser.parse($0)) ?? .deny }
    }

    /// Reads a YAML or JSON policy file mapping rule names to check strings.
    public static func loadOverrides(path: String) throws -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw FileError(description: "cannot read policy file \(path)")
        }
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch {
            throw FileError(description: "policy file \(path) is not valid YAML or JSON: \(error)")
        }
        if loaded == nil { return [:] }
        guard let mapping = loaded as? [String: Any] else {
            throw FileError(description: "policy file \(path) must map rule names to check strings")
        }
        var rules: [String: String] = [:]
        for (name, value) in mapping {
            guard let check = value as? String else {
                throw FileError(description: "policy file \(path): rule \(name) must be a string")
            }
            rules[name] = check
        }
        return rules
    }

    /// Throws `PolicyDenied` unless `rule` allows the caller to act on `target`.
    public func authorize(_ rule: String, credentials: PolicyCredentials, target: [String: String]) throws {
        guard registered.contains(rule) else { throw UnregisteredRule(name: rule) }
        guard evaluate(.rule(rule), credentials, target) else { throw PolicyDenied(rule: rule) }
    }

    /// Throws `PolicyDenied` unless `rule` allows; a rule nothing registered is evaluated by its own default.
    public func authorize(_ rule: PolicyDefault, credentials: PolicyCredentials, target: [String: String]) throws {
        guard allows(rule, credentials: credentials, target: target) else { throw PolicyDenied(rule: rule.name) }
    }

    /// Whether `rule` allows (the operator's override, else the registered default, else the value's own default).
    public func allows(_ rule: PolicyDefault, credentials: PolicyCredentials, target: [String: String]) -> Bool {
        let check = checks[rule.name] ?? (try? PolicyParser.parse(rule.checkString)) ?? .deny
        return evaluate(check, credentials, target)
    }

    /// Whether `rule` allows; for optional fields (oslo's soft authorizer).
    public func allows(_ rule: String, credentials: PolicyCredentials, target: [String: String]) -> Bool {
        registered.contains(rule) && evaluate(.rule(rule), credentials, target)
    }

    private func evaluate(_ check: PolicyCheck, _ creds: PolicyCredentials, _ target: [String: String]) -> Bool {
        var memo: [String: Bool] = [:]
        return evaluate(check, creds, target, &memo)
    }

    /// Evaluates `check`. Each named rule is evaluated at most once per decision (`memo`), so rules that refer
    /// to one another many times cost what the rules are long, not exponentially more; a rule that refers back
    /// to itself, directly or through others, denies there (fails closed).
    private func evaluate(_ check: PolicyCheck, _ creds: PolicyCredentials, _ target: [String: String], _ memo: inout [String: Bool]) -> Bool {
        switch check {
        case .allow: return true
        case .deny: return false
        case .rule(let name):
            if let known = memo[name] { return known }
            guard let next = checks[name] else { return false }
            memo[name] = false
            let result = evaluate(next, creds, target, &memo)
            memo[name] = result
            return result
        case .role(let pattern):
            guard let role = Self.substitute(pattern, target)?.lowercased() else { return false }
            return creds.roles.contains { $0.lowercased() == role }
        case .generic(let left, let right):
            return Self.generic(left, right, creds, target)
        case .not(let inner):
            return !evaluate(inner, creds, target, &memo)
        case .and(let terms):
            return terms.allSatisfy { evaluate($0, creds, target, &memo) }
        case .or(let terms):
            return terms.contains { evaluate($0, creds, target, &memo) }
        }
    }

    private static func generic(_ left: String, _ right: String, _ creds: PolicyCredentials, _ target: [String: String]) -> Bool {
        guard let match = substitute(right, target) else { return false }
        if let literal = literal(left) { return literal == match }
        guard let values = creds.values(for: left) else { return false }
        return values.contains(match)
    }

    /// A quoted string or a Python constant on the left of a generic check.
    private static func literal(_ text: String) -> String? {
        if text.count >= 2, let first = text.first, first == "'" || first == "\"", text.last == first {
            return String(text.dropFirst().dropLast())
        }
        if ["True", "False", "None"].contains(text) || Int(text) != nil { return text }
        return nil
    }

    /// Replaces `%(key)s` with the target's value; `nil` when the target lacks the key or a `%(` is not closed by
    /// `)s`. Scans the UTF-8 bytes: Foundation's `range(of:)` was half of a policy decision's time, and most checks
    /// (`project_id:%(project_id)s`) substitute once per decision, several decisions a request. (The standard
    /// library's `firstRange(of:)` searches through unspecialized generic code here: 1.2 % of a detail page.)
    static func substitute(_ text: String, _ target: [String: String]) -> String? {
        let bytes = text.utf8
        guard bytes.contains(UInt8(ascii: "%")) else { return text }
        var result = ""
        var copied = bytes.startIndex
        while let open = pair(UInt8(ascii: "%"), UInt8(ascii: "("), in: bytes, from: copied) {
            let key = bytes.index(open, offsetBy: 2)
            guard let close = pair(UInt8(ascii: ")"), UInt8(ascii: "s"), in: bytes, from: key) else { return nil }
            guard let value = target[String(text[key..<close])] else { return nil }
            result += text[copied..<open]
            result += value
            copied = bytes.index(close, offsetBy: 2)
        }
        return result + text[copied...]
    }

    /// Where the first `first` directly followed by `second` begins, at or after `start`.
    private static func pair(_ first: UInt8, _ second: UInt8, in bytes: String.UTF8View, from start: String.Index) -> String.Index? {
        var index = start
        while let found = bytes[index...].firstIndex(of: first) {
            let next = bytes.index(after: found)
            if next < bytes.endIndex, bytes[next] == second { return found }
            index = next
        }
        return nil
    }
}
