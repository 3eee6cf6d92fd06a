import Foundation
import HTTPTypes
import Hummingbird
import NovaKitCore
import NovaKitHTTP
import NovaKitPolicy

extension ComputeListener {
    /// Validates the body, loads the member (once) and authorizes, runs the operation or action the route names.
    func dispatch(_ request: APIRequest, route: Route, routingVersion: APIVersion) async throws -> Response {
        switch route.endpoint {
        case .operation(let operation):
            let body = try operation.schema.map { try validate(request.body, $0(routingVersion), request) } ?? .null
            let validated = request.with(body: body)
            let member = try await authorize(operation.policy, takesMember: operation.takesMember, route: route, request: validated)
            let reply = try await operation.handler(validated, member)
            return try await respond(reply, status: reply.status ?? operation.status, route: route, operation: operation.name, request: validated)
        case .actions(let table):
            guard case .object(let members) = request.body, members.count == 1, let (key, value) = members.first else {
                throw Fault.badRequest("Malformed request body")
            }
            guard let action = table.action(key, at: routingVersion) else {
                throw Fault.badRequest("There is no such action: \(key)")
            }
            let validated = request.with(body: try validate(value, action.schema(routingVersion), request))
            let member = try await authorize(action.policy, takesMember: action.takesMember, route: route, request: validated)
            let reply = try await action.handler(validated, member)
            return try await respond(reply, status: reply.status ?? action.status, route: route, operation: .action(key), request: validated)
        }
    }

    private func validate(_ body: JSON, _ schema: Schema, _ request: APIRequest) throws(ValidationError) -> JSON {
        try schema.validate(body, tolerateUnknownKeys: request.isLegacy)
    }

    /// Loads the member when the handler takes one and checks the rule — against the member's target after
    /// loading it (its 404 wins), or against the caller's own project (or the collection target) first.
    private func authorize(_ rule: PolicyDefault?, takesMember: Bool, route: Route, request: APIRequest) async throws -> (any Sendable)? {
        func check(_ target: PolicyTarget) throws {
            if let rule { try request.authorize(rule, target: target) }
        }
        guard takesMember, let lookup = route.lookup else {
            try check(try await route.collectionTarget?(request) ?? request.auth.ownTarget)
            return nil
        }
        let id = request.parameter(route.memberParameter)
        switch lookup.order {
        case .beforePolicy:
            let (member, target) = try await lookup.load(id, request)
            try check(target)
            return member
        case .afterPolicy:
            try check(try await route.collectionTarget?(request) ?? request.auth.ownTarget)
            return try await lookup.load(id, request).0
        }
    }

    /// Runs controller extensions (in reverse registration order, as Nova) and builds the response.
    private func respond(_ reply: Reply, status: HTTPResponse.Status, route: Route, operation: OperationName, request: APIRequest) async throws
        -> Response
    {
        var body = reply.body
        let extensions = (registry.responseExtensions[route.resourcePath] ?? []).reversed().filter {
            $0.operations.contains(operation) && $0.versions.contains(request.isLegacy ? .minimum : request.version)
        }
        if body == nil, !extensions.isEmpty, let encoded = reply.encodedBody { body = try JSON.parse(Data(encoded)) }
        if var json = body, !extensions.isEmpty {
            for extensionDeclaration in extensions { try await extensionDeclaration.transform(request, &json) }
            body = json
        }
        var headers = HTTPFields()
        for (name, value) in reply.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        if let body { return .json(body, status: status, headers: headers) }
        if let encoded = reply.encodedBody { return .json(encoded: encoded, status: status, headers: headers) }
        return Response(status: status, headers: headers)
    }
}
