import HTTPTypes
import Hummingbird
import NovaKitCore
import NovaKitHTTP

extension APIResponder {
    /// Validates, looks up the member, authorizes and runs the operation or action the route names.
    func dispatch(_ request: APIRequest, route: Route, routingVersion: APIVersion) async throws -> Response {
        switch route.endpoint {
        case .operation(let operation):
            let body =
                try operation.schema.map { schema throws(ValidationError) in
                    try schema.validate(request.body, tolerateUnknownKeys: request.isLegacy)
                } ?? .null
            let validated = request.with(body: body)
            try await authorize(operation.policy, route: route, request: validated)
            let reply = try await operation.handler(validated)
            return try await respond(
                reply, status: reply.status ?? operation.status, resource: route.resource, operation: operation.name, request: validated)
        case .actions(let table):
            guard case .object(let members) = request.body, members.count == 1, let (key, value) = members.first else {
                throw Fault.badRequest("Malformed request body")
            }
            guard let action = table.action(key, at: routingVersion) else {
                throw Fault.badRequest("There is no such action: \(key)")
            }
            let validated = request.with(body: try action.schema.validate(value, tolerateUnknownKeys: request.isLegacy))
            try await authorize(action.policy, route: route, request: validated)
            let reply = try await action.handler(validated)
            return try await respond(
                reply, status: reply.status ?? action.status, resource: route.resource, operation: "action:\(key)", request: validated)
        }
    }

    /// Looks up the member first (its 404 wins), then checks the rule against it or the caller's own project.
    private func authorize(_ rule: String?, route: Route, request: APIRequest) async throws {
        let target = try await route.target?(request) ?? request.auth.ownTarget
        guard let rule else { return }
        try services.policy.authorize(rule, credentials: request.auth.credentials, target: target)
    }

    /// Runs controller extensions (in reverse registration order, as Nova) and builds the response.
    private func respond(_ reply: Reply, status: HTTPResponse.Status, resource: String, operation: String, request: APIRequest) async throws
        -> Response
    {
        var body = reply.body
        let extensions = (registry.responseExtensions[resource] ?? []).reversed().filter {
            $0.operations.contains(operation) && $0.versions.contains(request.isLegacy ? .minimum : request.version)
        }
        if var json = body, !extensions.isEmpty {
            for extensionDeclaration in extensions { try await extensionDeclaration.transform(request, &json) }
            body = json
        }
        var headers = HTTPFields()
        for (name, value) in reply.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        guard let body else { return Response(status: status, headers: headers) }
        return .json(body, status: status, headers: headers)
    }
}
