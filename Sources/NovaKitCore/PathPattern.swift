import Foundation

/// A URL path pattern such as `projects/{project_id}/users/{user_id}`: literals and `{parameters}`.
public struct PathPattern: Sendable, Hashable, CustomStringConvertible {
    public enum Segment: Sendable, Hashable {
        case literal(String)
        case parameter(String)
    }

    public let segments: [Segment]

    public init(_ pattern: String) {
        segments = pattern.split(separator: "/").map { part in
            if part.hasPrefix("{") && part.hasSuffix("}") { return .parameter(String(part.dropFirst().dropLast())) }
            return .literal(String(part))
        }
    }

    /// Number of literal segments: the more, the more specific.
    public var specificity: Int { segments.count { if case .literal = $0 { true } else { false } } }

    public var description: String {
        segments.map { segment in
            switch segment {
            case .literal(let text): text
            case .parameter(let name): "{\(name)}"
            }
        }.joined(separator: "/")
    }

    /// Path parameters (percent-decoded) when `path` fits the pattern.
    ///
    /// The literals are compared first: a route table tries every pattern of the path's length, and a pattern
    /// that fails on its last literal would otherwise have decoded and stored its parameters for nothing.
    public func match(_ path: [Substring]) -> [String: String]? {
        guard path.count == segments.count else { return nil }
        for (segment, part) in zip(segments, path) {
            if case .literal(let text) = segment, part != text { return nil }
        }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, path) {
            if case .parameter(let name) = segment { parameters[name] = Self.decoded(part) }
        }
        return parameters
    }

    /// `part` percent-decoded, or as it is when it has no escape or an invalid one. Foundation's decoding goes
    /// through `NSString` on Linux (3–6 % of a server's show for its one id), so a part with no `%` — nearly
    /// every id — is taken as it is.
    static func decoded(_ part: Substring) -> String {
        guard part.utf8.contains(UInt8(ascii: "%")) else { return String(part) }
        return String(part).removingPercentEncoding ?? String(part)
    }
}
