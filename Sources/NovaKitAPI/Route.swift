import HTTPTypes
import NovaKitCore

/// A concrete route built from a declaration: method, path pattern, versions and what it runs.
struct Route: Sendable {
    enum Endpoint: Sendable {
        case operation(Operation)
        case actions(ActionTable)
    }

    let method: HTTPRequest.Method
    let pattern: PathPattern
    let versions: VersionRange
    /// The alias of the extension that declared it.
    let owner: String
    /// The collection it belongs to (`os-documents`), the key for response extensions.
    let resource: String
    /// Loads the target of the policy check (the member, or whom a collection call addresses).
    let target: Resource.TargetLookup?
    let endpoint: Endpoint
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
