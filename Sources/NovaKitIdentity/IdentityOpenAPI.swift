import HTTPTypes
import NovaKitCore

/// The identity listener's routes as an OpenAPI 3.1 document, generated from the route list: paths, methods,
/// path parameters, the bodies the handlers validate, and Keystone's error body.
enum IdentityOpenAPI {
    static func document(_ routes: [IdentityRoute], baseURL: String) -> JSON {
        var paths: [String: JSON] = [:]
        for route in routes {
            let path = "/" + route.pattern.description
            var item = paths[path]?.objectValue ?? [:]
            var operation: [String: JSON] = [
                "operationId": .string(
                    route.method.rawValue.lowercased() + "_" + path.split(whereSeparator: { !$0.isLetter }).joined(separator: "_")),
                "responses": .object(responses),
            ]
            let parameters = route.pattern.segments.compactMap { segment -> JSON? in
                guard case .parameter(let name) = segment else { return nil }
                return ["name": .string(name), "in": "path", "required": true, "schema": ["type": "string"]]
            }
            if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
            if let body = route.body {
                operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": body.jsonSchema]]]
            }
            item[route.method.rawValue.lowercased()] = .object(operation)
            paths[path] = .object(item)
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": "NovaKit Identity API (Keystone v3 subset)", "version": "3.14"],
            "servers": [["url": .string(baseURL)]],
            "paths": .object(paths),
            "components": [
                "securitySchemes": ["keystone": ["type": "apiKey", "in": "header", "name": "X-Auth-Token"]],
                "schemas": [
                    "Error": [
                        "type": "object", "required": ["error"],
                        "properties": [
                            "error": [
                                "type": "object", "required": ["code", "title", "message"],
                                "properties": ["code": ["type": "integer"], "title": ["type": "string"], "message": ["type": "string"]],
                            ]
                        ],
                    ]
                ],
            ],
            "security": [["keystone": []], [:]],
        ]
    }

    private static var responses: [String: JSON] {
        var responses: [String: JSON] = ["2XX": ["description": "Success."]]
        for (code, meaning) in [
            ("400", "Bad request."), ("401", "No valid token or credentials."), ("403", "The policy refuses the caller."),
            ("404", "No such resource."), ("405", "The method is not allowed here."), ("409", "A conflicting record exists."),
            ("4XX", "Another client error."),
        ] {
            responses[code] = ["description": .string(meaning), "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
        }
        return responses
    }
}
