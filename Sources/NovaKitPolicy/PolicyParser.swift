/// Parses oslo.policy's rule language: checks joined by `and`, `or`, `not` and parentheses.
public enum PolicyParser {
    /// A check string that does not parse.
    public struct ParseError: Error, Sendable, Equatable {
        public let rule: String
    }

    /// Parses `text`; the empty string and `@` allow, `!` denies.
    public static func parse(_ text: String) throws(ParseError) -> PolicyCheck {
        let tokens = tokenize(text)
        if tokens.isEmpty { return .allow }
        var parser = Cursor(tokens: tokens)
        guard let check = parser.parseOr(), parser.atEnd else { throw ParseError(rule: text) }
        return check
    }

    private static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        for word in text.split(whereSeparator: \.isWhitespace) {
            var body = Substring(word)
            var trailing = 0
            while body.first == "(" {
                tokens.append("(")
                body = body.dropFirst()
            }
            while body.last == ")" {
                trailing += 1
                body = body.dropLast()
            }
            if !body.isEmpty { tokens.append(String(body)) }
            tokens.append(contentsOf: repeatElement(")", count: trailing))
        }
        return tokens
    }

    private struct Cursor {
        let tokens: [String]
        var index = 0

        var atEnd: Bool { index == tokens.count }
        var current: String? { atEnd ? nil : tokens[index] }

        mutating func keyword(_ word: String) -> Bool {
            guard current?.lowercased() == word else { return false }
            index += 1
            return true
        }

        mutating func parseOr() -> PolicyCheck? {
            guard let first = parseAnd() else { return nil }
            var terms = [first]
            while keyword("or") {
                guard let next = parseAnd() else { return nil }
                terms.append(next)
            }
            return terms.count == 1 ? first : .or(terms)
        }

        mutating func parseAnd() -> PolicyCheck? {
            guard let first = parseNot() else { return nil }
            var terms = [first]
            while keyword("and") {
                guard let next = parseNot() else { return nil }
                terms.append(next)
            }
            return terms.count == 1 ? first : .and(terms)
        }

        mutating func parseNot() -> PolicyCheck? {
            if keyword("not") { return parseNot().map(PolicyCheck.not) }
            return parseAtom()
        }

        mutating func parseAtom() -> PolicyCheck? {
            guard let token = current else { return nil }
            index += 1
            if token == "(" {
                guard let inner = parseOr(), current == ")" else { return nil }
                index += 1
                return inner
            }
            if token == ")" || ["and", "or", "not"].contains(token.lowercased()) { return nil }
            return PolicyParser.check(token)
        }
    }

    private static func check(_ token: String) -> PolicyCheck? {
        if token == "@" { return .allow }
        if token == "!" { return .deny }
        guard let colon = token.firstIndex(of: ":") else { return nil }
        let kind = String(token[..<colon])
        let match = String(token[token.index(after: colon)...])
        switch kind {
        case "rule": return .rule(match)
        case "role": return .role(match)
        case "http", "https": return .deny
        default: return .generic(left: kind, right: match)
        }
    }
}
