import HTTPTypes
import NovaKitCore
import NovaKitPolicy

extension ExtensionRegistry {
    /// What `build` produces: the route table and the response extensions per resource path.
    struct Built {
        var routes = RouteTable()
        var responseExtensions: [String: [ResponseExtension]] = [:]
    }

    /// A resource while the table is built: its declaration, owner, resolved lookup and action table.
    private struct Entry {
        let resource: AnyResource
        let owner: String
        var lookup: AnyMemberLookup?
        var actions = ActionTable()
    }

    /// Builds the route table: resources first (each checked against its parent, policies and lookup), then
    /// actions (one `/action` route per resource) and response extensions, each checked against what it names.
    static func build(_ extensions: [any APIExtension], policies: Set<String>) throws(RegistryError) -> Built {
        // Each extension's declarations are built once, then read by both passes.
        let declared = extensions.map { (owner: $0.descriptor.alias, declarations: $0.api) }
        var entries: [String: Entry] = [:]
        var order: [String] = []
        for (owner, declarations) in declared {
            for case .resource(let resource) in declarations.map(\.kind) {
                if let existing = entries[resource.path] {
                    throw RegistryError("resource \(resource.path) of \(owner) is already declared by \(existing.owner)")
                }
                entries[resource.path] = Entry(resource: resource, owner: owner, lookup: resource.lookup)
                order.append(resource.path)
            }
        }
        for path in order {
            guard let entry = entries[path] else { continue }
            let resource = entry.resource
            if let parentPath = resource.parentPath, entry.lookup == nil {
                guard let parent = entries[parentPath] else {
                    throw RegistryError("\(entry.owner) nests \(path) under unknown or disabled resource \(parentPath)")
                }
                guard parent.lookup?.memberType == resource.memberType else {
                    throw RegistryError("\(entry.owner) nests \(path) under \(parentPath), whose lookup does not load a \(resource.memberTypeName)")
                }
                entries[path]?.lookup = parent.lookup
            }
            for operation in resource.operations {
                try check(operation.policy, of: "\(operation.name) on \(path)", owner: entry.owner, policies)
                if operation.takesMember && entries[path]?.lookup == nil {
                    throw RegistryError("\(operation.name) on \(path) of \(entry.owner) takes a member, but the resource declares no lookup")
                }
            }
        }

        var built = Built()
        var extended: [(owner: String, declaration: ResponseExtension)] = []
        for (owner, declarations) in declared {
            for declaration in declarations {
                switch declaration.kind {
                case .actions(let set):
                    guard let entry = entries[set.resourcePath] else {
                        throw RegistryError("\(owner) adds actions to unknown or disabled resource \(set.resourcePath)")
                    }
                    for action in set.actions {
                        if action.takesMember && entry.lookup?.memberType != set.memberType {
                            throw RegistryError("action \(action.key) of \(owner) takes a member, but \(set.resourcePath) declares no lookup for it")
                        }
                        try check(action.policy, of: "action \(action.key) on \(set.resourcePath)", owner: owner, policies)
                        let clash = entry.actions.entries[action.key]?.first { $0.action.versions.overlaps(action.versions) }
                        if let clash {
                            throw RegistryError("action \(action.key) on \(set.resourcePath) of \(owner) is already declared by \(clash.owner)")
                        }
                        entries[set.resourcePath]?.actions.entries[action.key, default: []].append(.init(action: action, owner: owner))
                    }
                case .responseExtension(let declaration):
                    guard let entry = entries[declaration.resourcePath] else {
                        throw RegistryError("\(owner) extends unknown or disabled resource \(declaration.resourcePath)")
                    }
                    let known = Set(entry.resource.operations.map(\.name))
                    for name in declaration.operations.sorted(by: { $0.rawValue < $1.rawValue }) where !known.contains(name) {
                        guard name.rawValue.hasPrefix("action:") else {
                            throw RegistryError("\(owner) extends \(name) of \(declaration.resourcePath), which declares no such operation")
                        }
                    }
                    extended.append((owner, declaration))
                    built.responseExtensions[declaration.resourcePath, default: []].append(declaration)
                case .resource:
                    break
                }
            }
        }
        // Actions come from every extension, so a response extension's actions are checked once all are known.
        for (owner, declaration) in extended {
            let actions = entries[declaration.resourcePath]?.actions.entries ?? [:]
            for name in declaration.operations.sorted(by: { $0.rawValue < $1.rawValue }) where name.rawValue.hasPrefix("action:") {
                guard actions[String(name.rawValue.dropFirst("action:".count))] != nil else {
                    throw RegistryError("\(owner) extends \(name) of \(declaration.resourcePath), which no extension declares")
                }
            }
        }

        for path in order {
            guard let entry = entries[path] else { continue }
            let resource = entry.resource
            for operation in resource.operations {
                let full = operation.path.isEmpty ? path : "\(path)/\(operation.path)"
                try add(
                    Route(
                        method: operation.method, pattern: PathPattern(full), versions: operation.versions, owner: entry.owner,
                        resourcePath: path, lookup: entry.lookup, memberParameter: resource.memberParameter,
                        collectionTarget: resource.collectionTarget, endpoint: .operation(operation)),
                    to: &built.routes)
            }
            guard !entry.actions.entries.isEmpty else { continue }
            try add(
                Route(
                    method: .post, pattern: PathPattern("\(path)/{id}/action"), versions: .all, owner: entry.owner, resourcePath: path,
                    lookup: entry.lookup, memberParameter: resource.memberParameter, collectionTarget: resource.collectionTarget,
                    endpoint: .actions(entry.actions)),
                to: &built.routes)
        }
        return built
    }

    /// A declaration's rule must be registered (by the core or any registered extension).
    private static func check(_ policy: PolicyDefault?, of what: String, owner: String, _ policies: Set<String>) throws(RegistryError) {
        guard let policy, !policies.contains(policy.name) else { return }
        throw RegistryError("\(what) of \(owner) names policy rule \(policy.name), which no extension registers")
    }

    private static func add(_ route: Route, to table: inout RouteTable) throws(RegistryError) {
        if let clash = table.conflicts(with: route).first {
            throw RegistryError("route \(route.method) /\(route.pattern) of \(route.owner) is already declared by \(clash.owner)")
        }
        table.add(route)
    }
}
