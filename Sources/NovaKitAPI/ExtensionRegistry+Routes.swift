import NovaKitCore

extension ExtensionRegistry {
    /// Builds the route table: resources first, then action tables (one `/action` route per resource).
    static func build(_ extensions: [any APIExtension]) throws(RegistryError) -> (RouteTable, [String: [ResponseExtension]]) {
        var table = RouteTable()
        var resources: [String: (Resource, owner: String)] = [:]
        var actionTables: [String: ActionTable] = [:]
        var responseExtensions: [String: [ResponseExtension]] = [:]

        for ext in extensions {
            let owner = ext.descriptor.alias
            for case .resource(let resource) in ext.api {
                if let existing = resources[resource.collection] {
                    throw RegistryError(description: "resource \(resource.collection) of \(owner) is already declared by \(existing.owner)")
                }
                resources[resource.collection] = (resource, owner)
                for operation in resource.operations {
                    let path = operation.path.isEmpty ? resource.basePath : "\(resource.basePath)/\(operation.path)"
                    let route = Route(
                        method: operation.method, pattern: PathPattern(path), versions: operation.versions, owner: owner,
                        resource: resource.collection, target: operation.isMemberOperation ? resource.memberTarget : resource.collectionTarget,
                        endpoint: .operation(operation))
                    try add(route, to: &table)
                }
            }
        }
        for ext in extensions {
            let owner = ext.descriptor.alias
            for declaration in ext.api {
                switch declaration {
                case .actions(let set):
                    guard resources[set.resource] != nil else {
                        throw RegistryError(description: "\(owner) adds actions to unknown or disabled resource \(set.resource)")
                    }
                    for action in set.actions {
                        let clash = actionTables[set.resource]?.entries[action.key]?.first { entry in
                            entry.action.versions.overlaps(action.versions)
                        }
                        if let clash {
                            throw RegistryError(
                                description: "action \(action.key) on \(set.resource) of \(owner) is already declared by \(clash.owner)")
                        }
                        actionTables[set.resource, default: ActionTable()].entries[action.key, default: []]
                            .append(.init(action: action, owner: owner))
                    }
                case .responseExtension(let extensionDeclaration):
                    guard resources[extensionDeclaration.resource] != nil else {
                        throw RegistryError(description: "\(owner) extends unknown or disabled resource \(extensionDeclaration.resource)")
                    }
                    responseExtensions[extensionDeclaration.resource, default: []].append(extensionDeclaration)
                case .resource:
                    break
                }
            }
        }
        for (collection, actions) in actionTables.sorted(by: { $0.key < $1.key }) {
            guard let (resource, owner) = resources[collection] else { continue }
            let route = Route(
                method: .post, pattern: PathPattern("\(resource.basePath)/{id}/action"), versions: .all, owner: owner,
                resource: collection, target: resource.memberTarget, endpoint: .actions(actions))
            try add(route, to: &table)
        }
        return (table, responseExtensions)
    }

    private static func add(_ route: Route, to table: inout RouteTable) throws(RegistryError) {
        if let clash = table.conflicts(with: route).first {
            throw RegistryError(
                description: "route \(route.method) /\(route.pattern) of \(route.owner) is already declared by \(clash.owner)")
        }
        table.add(route)
    }
}
