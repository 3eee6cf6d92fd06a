import HTTPTypes
public import NovaKitCore
import NovaKitHTTP
import NovaKitPolicy

/// The compute API as an OpenAPI 3.1 document, generated from the registry's typed declarations and never
/// written by hand: every route of the enabled extensions available at one microversion, with its request
/// body schema at that version, its policy rule, its success status and Nova's fault bodies, and the range of
/// microversions each operation exists in (`x-openstack-microversions`). Actions on a resource become one
/// `POST …/action` whose body is one of the action bodies (`x-openstack-actions` lists their rules and ranges).
/// A request without a version header is served at 2.1, so the document at 2.1 is the default.
public struct OpenAPIDocument: Sendable {
    let registry: ExtensionRegistry

    public init(registry: ExtensionRegistry) { self.registry = registry }

    /// The document at `version` (2.1 when `nil`), with `baseURL` (`http://host:8774`) as its server.
    public func json(at version: APIVersion? = nil, baseURL: String) -> JSON {
        let version = version ?? .minimum
        var paths: [String: JSON] = [:]
        // An action route with no action at this version only ever answers "no such action": not listed.
        let routes = registry.routes.allRoutes.filter { route in
            guard route.versions.contains(version) else { return false }
            guard case .actions(let table) = route.endpoint else { return true }
            return table.entries.keys.contains { table.action($0, at: version) != nil }
        }
        for route in routes.sorted(by: { ($0.pattern.description, $0.method.rawValue) < ($1.pattern.description, $1.method.rawValue) }) {
            let path = "/" + route.pattern.description
            var item = paths[path]?.objectValue ?? [:]
            item[route.method.rawValue.lowercased()] = operation(route, at: version, path: path)
            paths[path] = .object(item)
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "NovaKit Compute API", "version": .string(version.description),
                "description": .string(
                    "OpenStack Compute (Nova) API at microversion \(version) (send `OpenStack-API-Version: compute \(version)`); "
                        + "the server supports 2.1 to \(registry.maxVersion). Generated from NovaKit's declarations."),
            ],
            "servers": [["url": .string(baseURL + "/v2.1")]],
            "paths": .object(paths),
            "components": [
                "securitySchemes": ["keystone": ["type": "apiKey", "in": "header", "name": "X-Auth-Token"]],
                "schemas": ["Fault": Self.faultSchema],
            ],
            "security": [["keystone": []]],
            "x-openstack-microversions": ["min": .string(APIVersion.minimum.description), "max": .string(registry.maxVersion.description)],
        ]
    }

    private func operation(_ route: Route, at version: APIVersion, path: String) -> JSON {
        var operation: [String: JSON] = [
            "operationId": .string(ListenerOpenAPI.operationID(route.method, path: path)),
            "tags": [.string(route.resourcePath)],
            "x-novakit-extension": .string(route.owner),
        ]
        if let parameters = ListenerOpenAPI.pathParameters(route.pattern) { operation["parameters"] = parameters }
        let successes: Set<Int>
        switch route.endpoint {
        case .operation(let declared):
            successes = [declared.status.code]
            operation["summary"] = .string("\(route.resourcePath): \(declared.name)")
            operation["x-openstack-microversions"] = Self.range(declared.versions)
            if let policy = declared.policy { operation["x-openstack-policy"] = .string(policy.name) }
            if let schema = declared.schema?(version) {
                operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": schema.jsonSchema]]]
            }
        case .actions(let table):
            let actions = table.entries.keys.sorted().compactMap { key in table.action(key, at: version).map { (key, $0) } }
            successes = Set(actions.map { $0.1.status.code })
            operation["summary"] = .string("\(route.resourcePath): actions")
            operation["x-openstack-actions"] = .object(
                Dictionary(
                    uniqueKeysWithValues: actions.map { key, action in
                        (
                            key,
                            ["policy": .string(action.policy.name), "status": .int(action.status.code), "microversions": Self.range(action.versions)]
                        )
                    }))
            let bodies: [JSON] = actions.map { key, action in
                Schema.object([key: action.schema(version)], required: [key]).jsonSchema
            }
            operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": ["oneOf": .array(bodies)]]]]
        }
        var responses: [String: JSON] = [:]
        for code in successes.sorted() {
            responses[String(code)] = ["description": .string(code == 204 ? "Done; no body." : "Success.")]
        }
        for (code, meaning) in Self.faults where responses[code] == nil {
            responses[code] = [
                "description": .string(meaning),
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Fault"]]],
            ]
        }
        operation["responses"] = .object(responses)
        return .object(operation)
    }

    /// The faults any compute operation may answer, as Nova does (`4XX`: any other client error).
    static let faults: [(String, String)] = [
        ("400", "Bad request: the body, a query parameter or the URL is invalid."), ("401", "No valid token."),
        ("403", "The policy refuses the caller, or a quota is exceeded."), ("404", "No such resource, or not visible to the caller."),
        ("405", "The method is not allowed here."), ("409", "The resource's state does not allow it now."),
        ("413", "The body is too large."), ("415", "The body is not JSON."),
        ("4XX", "Another client error in Nova's fault format (410 for an API Nova has removed, for one)."),
    ]

    /// Nova's fault: one key naming the kind (`badRequest`, `itemNotFound`, …) around a code and message.
    static let faultSchema: JSON = [
        "type": "object", "minProperties": 1, "maxProperties": 1,
        "additionalProperties": [
            "type": "object", "required": ["code", "message"],
            "properties": ["code": ["type": "integer"], "message": ["type": "string"]],
        ],
    ]

    private static func range(_ versions: VersionRange) -> JSON {
        var range: [String: JSON] = ["min": .string(versions.min.description)]
        if let max = versions.max { range["max"] = .string(max.description) }
        return .object(range)
    }
}
