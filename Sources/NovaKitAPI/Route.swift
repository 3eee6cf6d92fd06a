import HTTPTypes
import NovaKitCore

/// A concrete route built from a declaration: method, path pattern, versions and what it runs.
struct Route: Sendable {
    enum Endpoint: Sendable {
        case operation(AnyOperation)
        case actions(ActionTable)
    }

    let method: HTTPRequest.Method
    let pattern: PathPattern
    let versions: VersionRange
    /// The alias of the extension that declared it.
    let owner: String
    /// The path of the resource it belongs to, the key for response extensions.
    let resourcePath: String
    /// Where its member comes from (the resource's own lookup, or its parent's) and by which path parameter.
    let lookup: AnyMemberLookup?
    let memberParameter: String
    /// The policy target of calls that take no member.
    let collectionTarget: (@Sendable (APIRequest) async throws -> PolicyTarget)?
    let endpoint: Endpoint
}

/// The body-key → action table of one resource; several versions of one key may coexist.
struct ActionTable: Sendable {
    struct Entry: Sendable {
        let action: AnyAction
        let owner: String
    }

    var entries: [String: [Entry]] = [:]

    /// The action for `key` at `version`, if any.
    func action(_ key: String, at version: APIVersion) -> AnyAction? {
        entries[key]?.first { $0.action.versions.contains(version) }?.action
    }
}
