import NovaKitCore
import NovaKitHTTP

/// The identity listener's routes as an OpenAPI 3.1 document, with Keystone's error body.
enum IdentityOpenAPI {
    static func document(_ routes: [IdentityRoute], baseURL: String) -> JSON {
        ListenerOpenAPI.document(
            title: "NovaKit Identity API (Keystone v3 subset)", version: "3.14", baseURL: baseURL,
            routes: routes.map { DeclaredRoute(method: $0.method, pattern: $0.pattern, body: $0.body) },
            errorSchema: [
                "type": "object", "required": ["error"],
                "properties": [
                    "error": [
                        "type": "object", "required": ["code", "title", "message"],
                        "properties": ["code": ["type": "integer"], "title": ["type": "string"], "message": ["type": "string"]],
                    ]
                ],
            ],
            errors: [
                ("400", "Bad request."), ("401", "No valid token or credentials."), ("403", "The policy refuses the caller."),
                ("404", "No such resource."), ("405", "The method is not allowed here."), ("409", "A conflicting record exists."),
                ("4XX", "Another client error."),
            ])
    }
}
