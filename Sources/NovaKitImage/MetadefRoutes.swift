import Foundation
import HTTPTypes
import Hummingbird
import NovaKitCore
import NovaKitHTTP

/// Glance's metadata-definition catalog (`/v2/metadefs`): namespaces of property, object and tag definitions
/// and the resource types they apply to. Everyone reads public namespaces, owners their private ones;
/// admins write, as Glance's default policy has it. A protected namespace cannot be deleted.
enum MetadefRoutes {
    static let namespaces = "v2/metadefs/namespaces"
    static let one = namespaces + "/{namespace}"

    /// The resource types Glance knows from the start; associating a namespace with another adds it.
    static let knownResourceTypes = ["OS::Cinder::Volume", "OS::Glance::Image", "OS::Nova::Aggregate", "OS::Nova::Flavor", "OS::Nova::Server"]

    static let routes: [ImageRoute] =
        namespaceRoutes + entryRoutes(.object, "objects", body: MetadefSchemas.object)
        + entryRoutes(.property, "properties", body: MetadefSchemas.property) + tagRoutes + associationRoutes

    // MARK: Namespaces

    static let namespaceRoutes: [ImageRoute] = [
        ImageRoute(.get, namespaces, success: [200]) { listener, request in
            let query = request.query
            var found = try await listener.metadefs.namespaces().filter { $0.visible(to: request.auth.projectID, isAdmin: request.auth.isAdmin) }
            if let visibility = query["visibility"] { found = found.filter { $0.visibility == visibility } }
            let associations = Dictionary(grouping: try await listener.metadefs.entries(.association, in: nil), by: \.namespace)
            if let types = query["resource_types"].map({ Set($0.split(separator: ",").map(String.init)) }) {
                found = found.filter { namespace in (associations[namespace.namespace] ?? []).contains { types.contains($0.name) } }
            }
            let page = try ListPage(found, query, base: "/" + namespaces, key: \.namespace)
            var body: JSON = [
                "namespaces": .array(page.items.map { view($0, associations: associations[$0.namespace] ?? []) }),
                "first": .string("/" + namespaces), "schema": "/v2/schemas/metadefs/namespaces",
            ]
            if let next = page.next { body["next"] = .string(next) }
            return .json(body, status: .ok)
        },
        ImageRoute(.post, namespaces, body: MetadefSchemas.namespace, success: [201]) { listener, request in
            try requireAdmin(request)
            let body = request.body
            for object in body["objects"]?.arrayValue ?? [] { try MetadefSchemas.checkProperties(object["properties"]) }
            try MetadefSchemas.checkProperties(body["properties"])
            let now = listener.store.clock.now()
            let namespace = MetadefNamespace(
                namespace: body["namespace"]?.stringValue ?? "", displayName: body["display_name"]?.stringValue,
                description: body["description"]?.stringValue, visibility: body["visibility"]?.stringValue ?? "private",
                protected: body["protected"] == .bool(true), owner: request.auth.projectID, createdAt: now, updatedAt: now)
            let name = namespace.namespace
            func entry(_ kind: MetadefEntry.Kind, _ json: JSON, named: String? = nil) -> MetadefEntry {
                MetadefEntry(
                    namespace: name, kind: kind, name: named ?? json["name"]?.stringValue ?? "", body: stored(json, kind), createdAt: now,
                    updatedAt: now)
            }
            var entries = (body["objects"]?.arrayValue ?? []).map { entry(.object, $0) }
            entries += (body["properties"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { entry(.property, $0.value, named: $0.key) }
            entries += (body["tags"]?.arrayValue ?? []).map { entry(.tag, $0) }
            entries += (body["resource_type_associations"]?.arrayValue ?? []).map { entry(.association, $0) }
            try await listener.metadefs.create(namespace, entries: entries)
            return .json(try await full(namespace, listener), status: .created)
        },
        ImageRoute(.get, one, success: [200]) { listener, request in
            .json(try await full(try await visibleNamespace(request, listener), listener), status: .ok)
        },
        ImageRoute(.put, one, body: MetadefSchemas.namespace, success: [200]) { listener, request in
            var namespace = try await writableNamespace(request, listener)
            let old = namespace.namespace
            let body = request.body
            namespace.namespace = body["namespace"]?.stringValue ?? old
            namespace.displayName = body["display_name"]?.stringValue
            namespace.description = body["description"]?.stringValue
            if let visibility = body["visibility"]?.stringValue { namespace.visibility = visibility }
            if case .bool(let protected) = body["protected"] { namespace.protected = protected }
            try await listener.metadefs.update(old, to: namespace)
            guard let updated = try await listener.metadefs.namespace(namespace.namespace) else { throw notFound(namespace.namespace) }
            return .json(try await full(updated, listener), status: .ok)
        },
        ImageRoute(.delete, one, success: [204]) { listener, request in
            let namespace = try await writableNamespace(request, listener)
            guard !namespace.protected else {
                throw Fault.forbidden("Namespace \(namespace.namespace) is protected and cannot be deleted.")
            }
            try await listener.metadefs.delete(namespace.namespace)
            return Response(status: .noContent)
        },
        ImageRoute(.get, "v2/metadefs/resource_types", success: [200]) { listener, request in
            let associated = try await listener.metadefs.entries(.association, in: nil)
            var firstSeen: [String: MetadefEntry] = [:]
            for association in associated where firstSeen[association.name] == nil { firstSeen[association.name] = association }
            let names = Set(knownResourceTypes).union(firstSeen.keys).sorted()
            let epoch = Timestamp.zulu(Date(timeIntervalSince1970: 0))
            let types: [JSON] = names.map { name in
                let since = firstSeen[name].map { Timestamp.zulu($0.createdAt) } ?? epoch
                return ["name": .string(name), "created_at": .string(since), "updated_at": .string(since)]
            }
            return .json(["resource_types": .array(types)], status: .ok)
        },
    ]

    // MARK: Objects and properties

    static func entryRoutes(_ kind: MetadefEntry.Kind, _ collection: String, body: Schema) -> [ImageRoute] {
        let path = one + "/" + collection
        return [
            ImageRoute(.get, path, success: [200]) { listener, request in
                let namespace = try await visibleNamespace(request, listener)
                let entries = try await listener.metadefs.entries(kind, in: namespace.namespace)
                return .json(entriesView(kind, entries), status: .ok)
            },
            ImageRoute(.post, path, body: body, success: [201]) { listener, request in
                let namespace = try await writableNamespace(request, listener)
                try MetadefSchemas.checkProperties(kind == .object ? request.body["properties"] : nil)
                let now = listener.store.clock.now()
                let entry = MetadefEntry(
                    namespace: namespace.namespace, kind: kind, name: request.body["name"]?.stringValue ?? "", body: stored(request.body, kind),
                    createdAt: now, updatedAt: now)
                try await listener.metadefs.add([entry])
                return .json(view(entry), status: .created)
            },
            ImageRoute(.delete, path, success: [204]) { listener, request in
                let namespace = try await writableNamespace(request, listener)
                try await listener.metadefs.remove(kind, nil, in: namespace.namespace)
                return Response(status: .noContent)
            },
            ImageRoute(.get, path + "/{name}", success: [200]) { listener, request in
                .json(view(try await existing(kind, request, listener, writable: false)), status: .ok)
            },
            ImageRoute(.put, path + "/{name}", body: body, success: [200]) { listener, request in
                var entry = try await existing(kind, request, listener, writable: true)
                try MetadefSchemas.checkProperties(kind == .object ? request.body["properties"] : nil)
                let old = entry.name
                entry.name = request.body["name"]?.stringValue ?? old
                entry.body = stored(request.body, kind)
                try await listener.metadefs.update(old, to: entry)
                guard let updated = try await listener.metadefs.entry(kind, entry.name, in: entry.namespace) else {
                    throw Fault.notFound("Metadata definition \(kind.rawValue) not found: \(entry.name)")
                }
                return .json(view(updated), status: .ok)
            },
            ImageRoute(.delete, path + "/{name}", success: [204]) { listener, request in
                let entry = try await existing(kind, request, listener, writable: true)
                try await listener.metadefs.remove(kind, entry.name, in: entry.namespace)
                return Response(status: .noContent)
            },
        ]
    }

    // MARK: Tags

    static let tagRoutes: [ImageRoute] = [
        ImageRoute(.get, one + "/tags", success: [200]) { listener, request in
            let namespace = try await visibleNamespace(request, listener)
            return .json(entriesView(.tag, try await listener.metadefs.entries(.tag, in: namespace.namespace)), status: .ok)
        },
        // Replaces the namespace's tags, or adds to them with `X-Openstack-Append: true`.
        ImageRoute(.post, one + "/tags", body: MetadefSchemas.tags, success: [201]) { listener, request in
            let namespace = try await writableNamespace(request, listener)
            let now = listener.store.clock.now()
            let names = (request.body["tags"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            guard Set(names).count == names.count else { throw Fault.conflict("A tag is named twice in the request.") }
            let tags = names.map { MetadefEntry(namespace: namespace.namespace, kind: .tag, name: $0, body: [:], createdAt: now, updatedAt: now) }
            let append = request.http.headers[HTTPField.Name("X-Openstack-Append")!]?.lowercased() == "true"
            if append {
                try await listener.metadefs.add(tags)
            } else {
                try await listener.metadefs.replaceAll(.tag, in: namespace.namespace, with: tags)
            }
            return .json(["tags": .array(names.map { ["name": .string($0)] })], status: .created)
        },
        ImageRoute(.delete, one + "/tags", success: [204]) { listener, request in
            let namespace = try await writableNamespace(request, listener)
            try await listener.metadefs.remove(.tag, nil, in: namespace.namespace)
            return Response(status: .noContent)
        },
        ImageRoute(.get, one + "/tags/{name}", success: [200]) { listener, request in
            .json(view(try await existing(.tag, request, listener, writable: false)), status: .ok)
        },
        ImageRoute(.post, one + "/tags/{name}", success: [201]) { listener, request in
            let namespace = try await writableNamespace(request, listener)
            let name = request.parameter("name")
            guard (1...255).contains(name.count) else { throw Fault.badRequest("A tag's name is 1 to 255 characters.") }
            let now = listener.store.clock.now()
            let tag = MetadefEntry(namespace: namespace.namespace, kind: .tag, name: name, body: [:], createdAt: now, updatedAt: now)
            try await listener.metadefs.add([tag])
            return .json(view(tag), status: .created)
        },
        ImageRoute(.put, one + "/tags/{name}", body: MetadefSchemas.tagRename, success: [200]) { listener, request in
            var tag = try await existing(.tag, request, listener, writable: true)
            let old = tag.name
            tag.name = request.body["name"]?.stringValue ?? old
            try await listener.metadefs.update(old, to: tag)
            guard let updated = try await listener.metadefs.entry(.tag, tag.name, in: tag.namespace) else { throw notFound(tag.namespace) }
            return .json(view(updated), status: .ok)
        },
        ImageRoute(.delete, one + "/tags/{name}", success: [204]) { listener, request in
            let tag = try await existing(.tag, request, listener, writable: true)
            try await listener.metadefs.remove(.tag, tag.name, in: tag.namespace)
            return Response(status: .noContent)
        },
    ]

    // MARK: Resource type associations

    static let associationRoutes: [ImageRoute] = [
        ImageRoute(.get, one + "/resource_types", success: [200]) { listener, request in
            let namespace = try await visibleNamespace(request, listener)
            let associations = try await listener.metadefs.entries(.association, in: namespace.namespace)
            return .json(["resource_type_associations": .array(associations.map(view))], status: .ok)
        },
        ImageRoute(.post, one + "/resource_types", body: MetadefSchemas.association, success: [201]) { listener, request in
            let namespace = try await writableNamespace(request, listener)
            let now = listener.store.clock.now()
            let association = MetadefEntry(
                namespace: namespace.namespace, kind: .association, name: request.body["name"]?.stringValue ?? "",
                body: stored(request.body, .association), createdAt: now, updatedAt: now)
            try await listener.metadefs.add([association])
            return .json(view(association), status: .created)
        },
        ImageRoute(.delete, one + "/resource_types/{name}", success: [204]) { listener, request in
            let association = try await existing(.association, request, listener, writable: true)
            try await listener.metadefs.remove(.association, association.name, in: association.namespace)
            return Response(status: .noContent)
        },
    ]

    // MARK: Helpers

    static func notFound(_ namespace: String) -> Fault { .notFound("Metadata definition namespace=\(namespace) was not found.") }

    static func requireAdmin(_ request: ImageRequest) throws {
        guard request.auth.isAdmin else { throw Fault.forbidden("Only administrators change metadata definitions.") }
    }

    /// The path's namespace if the caller sees it (404 otherwise).
    static func visibleNamespace(_ request: ImageRequest, _ listener: ImageListener) async throws -> MetadefNamespace {
        let name = request.parameter("namespace")
        guard let namespace = try await listener.metadefs.namespace(name),
            namespace.visible(to: request.auth.projectID, isAdmin: request.auth.isAdmin)
        else { throw notFound(name) }
        return namespace
    }

    /// The path's namespace if the caller sees it (404) and may change it (403).
    static func writableNamespace(_ request: ImageRequest, _ listener: ImageListener) async throws -> MetadefNamespace {
        let namespace = try await visibleNamespace(request, listener)
        try requireAdmin(request)
        return namespace
    }

    /// The path's entry of `kind` (404 when its namespace or it is missing).
    static func existing(_ kind: MetadefEntry.Kind, _ request: ImageRequest, _ listener: ImageListener, writable: Bool) async throws -> MetadefEntry {
        let namespace = try await (writable ? writableNamespace : visibleNamespace)(request, listener)
        let name = request.parameter("name")
        guard let entry = try await listener.metadefs.entry(kind, name, in: namespace.namespace) else {
            throw Fault.notFound("Metadata definition \(kind == .association ? "resource type association" : kind.rawValue) not found: \(name)")
        }
        return entry
    }

    /// What is kept of a definition: the body without the fields the service adds.
    static func stored(_ body: JSON, _ kind: MetadefEntry.Kind) -> JSON {
        guard case .object(var fields) = body else { return [:] }
        for key in ["created_at", "updated_at", "schema", "self"] { fields[key] = nil }
        if kind == .tag { return [:] }
        return .object(fields)
    }

    static func view(_ entry: MetadefEntry) -> JSON {
        var json = entry.body
        if case .object = json {} else { json = [:] }
        json["name"] = .string(entry.name)
        switch entry.kind {
        case .property: return json
        case .object:
            json["schema"] = "/v2/schemas/metadefs/object"
            json["self"] = .string("/\(namespaces)/\(entry.namespace)/objects/\(entry.name)")
        case .tag, .association: break
        }
        json["created_at"] = .string(Timestamp.zulu(entry.createdAt))
        json["updated_at"] = .string(Timestamp.zulu(entry.updatedAt ?? entry.createdAt))
        return json
    }

    static func entriesView(_ kind: MetadefEntry.Kind, _ entries: [MetadefEntry]) -> JSON {
        switch kind {
        case .property:
            var properties: [String: JSON] = [:]
            for entry in entries {
                var definition = view(entry)
                definition["name"] = nil
                properties[entry.name] = definition
            }
            return ["properties": .object(properties), "schema": "/v2/schemas/metadefs/properties"]
        case .object: return ["objects": .array(entries.map(view)), "schema": "/v2/schemas/metadefs/objects"]
        case .tag: return ["tags": .array(entries.map(view))]
        case .association: return ["resource_type_associations": .array(entries.map(view))]
        }
    }

    static func view(_ namespace: MetadefNamespace, associations: [MetadefEntry]) -> JSON {
        var json: JSON = [
            "namespace": .string(namespace.namespace), "visibility": .string(namespace.visibility), "protected": .bool(namespace.protected),
            "owner": .string(namespace.owner), "created_at": .string(Timestamp.zulu(namespace.createdAt)),
            "updated_at": .string(Timestamp.zulu(namespace.updatedAt ?? namespace.createdAt)), "schema": "/v2/schemas/metadefs/namespace",
            "self": .string("/\(namespaces)/\(namespace.namespace)"),
        ]
        if let name = namespace.displayName { json["display_name"] = .string(name) }
        if let description = namespace.description { json["description"] = .string(description) }
        if !associations.isEmpty { json["resource_type_associations"] = .array(associations.map(view)) }
        return json
    }

    /// A namespace with everything in it; empty kinds are left out, as Glance does.
    static func full(_ namespace: MetadefNamespace, _ listener: ImageListener) async throws -> JSON {
        var json = view(namespace, associations: try await listener.metadefs.entries(.association, in: namespace.namespace))
        let objects = try await listener.metadefs.entries(.object, in: namespace.namespace)
        if !objects.isEmpty { json["objects"] = .array(objects.map(view)) }
        let properties = try await listener.metadefs.entries(.property, in: namespace.namespace)
        if !properties.isEmpty { json["properties"] = entriesView(.property, properties)["properties"] }
        let tags = try await listener.metadefs.entries(.tag, in: namespace.namespace)
        if !tags.isEmpty { json["tags"] = .array(tags.map(view)) }
        return json
    }
}

extension ImageListener {
    var metadefs: MetadefStore { MetadefStore(database: store.database, clock: store.clock) }
}
