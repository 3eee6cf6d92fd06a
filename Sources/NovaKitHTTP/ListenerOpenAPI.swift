public import HTTPTypes
public import NovaKitCore

/// One route of a listener that routes by a table (identity, image): what its OpenAPI document says of it.
public struct DeclaredRoute: Sendable {
    public let method: HTTPRequest.Method
    public let pattern: PathPattern
    /// The body the handler validates; `nil`: none.
    public let body: Schema?
    /// The success statuses; empty: any 2xx.
    public let success: [Int]
    /// The media type the body comes as.
    public let mediaType: String

    public init(method: HTTPRequest.Method, pattern: PathPattern, body: Schema?, success: [Int] = [], mediaType: String = "application/json") {
        self.method = method
        self.pattern = pattern
        self.body = body
        self.success = success
        self.mediaType = mediaType
    }
}

/// The OpenAPI 3.1 document of a listener with a route table — generated from the table, never written by
/// hand: paths, methods, path parameters, the bodies the handlers validate, success statuses and the listener's
/// error body. (The compute API's richer document, with microversions and policies, is `OpenAPIDocument`.)
public enum ListenerOpenAPI {
    public static func document(
        title: String, version: String, baseURL: String, routes: [DeclaredRoute], errorSchema: JSON, errors: [(String, String)]
    ) -> JSON {
        var paths: [String: JSON] = [:]
        for route in routes {
            let path = "/" + route.pattern.description
            var item = paths[path]?.objectValue ?? [:]
            let method = route.method.rawValue.lowercased()
            var responses: [String: JSON] = [:]
            for code in route.success { responses[String(code)] = ["description": "Success."] }
            if route.success.isEmpty { responses["2XX"] = ["description": "Success."] }
            for (code, meaning) in errors where responses[code] == nil {
                responses[code] = [
                    "description": .string(meaning), "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
                ]
            }
            var operation: [String: JSON] = [
                "operationId": .string(operationID(route.method, path: path)), "responses": .object(responses),
            ]
            if let parameters = pathParameters(route.pattern) { operation["parameters"] = parameters }
            if let body = route.body {
                operation["requestBody"] = ["required": true, "content": .object([route.mediaType: ["schema": body.jsonSchema]])]
            }
            item[method] = .object(operation)
            paths[path] = .object(item)
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": .string(title), "version": .string(version), "description": "Generated from NovaKit's route table."],
            "servers": [["url": .string(baseURL)]],
            "paths": .object(paths),
            "components": [
                "securitySchemes": ["keystone": ["type": "apiKey", "in": "header", "name": "X-Auth-Token"]],
                "schemas": ["Error": errorSchema],
            ],
            "security": [["keystone": []], [:]],
        ]
    }

    /// `get /servers/{id}` → `get_servers_id`: unique, as a path and method have one operation per document.
    public static func operationID(_ method: HTTPRequest.Method, path: String) -> String {
        method.rawValue.lowercased() + "_" + path.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: "_")
    }

    /// The pattern's `{parameters}` as required string path parameters; `nil` when it has none.
    public static func pathParameters(_ pattern: PathPattern) -> JSON? {
        let parameters = pattern.segments.compactMap { segment -> JSON? in
            guard case .parameter(let name) = segment else { return nil }
            return ["name": .string(name), "in": "path", "required": true, "schema": ["type": "string"]]
        }
        return parameters.isEmpty ? nil : .array(parameters)
    }
}
