import HTTPTypes
import NovaKitCore

/// A concrete route built from a declaration: method, path pattern, versions and what it runs.
struct Route: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    enum Endpoint: Sendable {
        case operation(Operation)
        case actions(ActionTable)
    }

    let method: HTTPRequest.Method
    let segments: [Segment]
    let versions: VersionRange
    /// The alias of the extension that declared it.
    let owner: String
    /// The collection it belongs to (`os-documents`), the key for response extensions.
    let resource: String
    let memberTarget: Resource.TargetLookup?
    let endpoint: Endpoint

    /// Number of literal segments: the more, the more specific.
    var specificity: Int { segments.count { if case .literal = $0 { true } else { false } } }

    static func segments(of path: String) -> [Segment] {
        path.split(separator: "/").map { part in
            if part.hasPrefix("{") && part.hasSuffix("}") { return .parameter(String(part.dropFirst().dropLast())) }
            return .literal(String(part))
        }
    }

    /// The pattern as written, for error messages.
    var pattern: String {
        segments.map { segment in
            switch segment {
            case .literal(let text): text
            case .parameter(let name): "{\(name)}"
            }
        }.joined(separator: "/")
    }

    /// Path parameters when `path` fits this route's pattern.
    func match(_ path: [Substring]) -> [String: String]? {
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

/// The body-key → action table of one resource; several versions of one key may coexist.
struct ActionTable: Sendable {
    struct Entry: Sendable {
        let action: Action
        let owner: String
    }

    var entries: [String: [Entry]] = [:]

    /// The action for `key` at `version`, if any.
    func action(_ key: String, at version: APIVersion) -> Action? {
        entries[key]?.first { $0.action.versions.contains(version) }?.action
    }
}
