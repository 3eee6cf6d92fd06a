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
    public func match(_ path: [Substring]) -> [String: String]? {
        guard path.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, path) {
            switch segment {
            case .literal(let text): guard part == text else { return nil }
            case .parameter(let name): parameters[name] = String(part).removingPercentEncoding ?? String(part)
            }
        }
        return parameters
    }
}
