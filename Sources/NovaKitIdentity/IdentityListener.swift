import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
public import NovaKitCore
public import NovaKitHTTP

/// The identity listener (default 127.0.0.1:5000): Keystone v3 routes and Keystone's error body; the request id,
/// error catch and access log are the shared `RequestPipeline`'s.
public struct IdentityListener: Listener {
    public let name = "identity"

    let service: IdentityService
    let routes: [IdentityRoute]
    let bodyReader = RequestBodyReader(maxBytes: 114_688)

    public init(service: IdentityService) {
        self.service = service
        self.routes = Self.allRoutes
    }

    static var allRoutes: [IdentityRoute] {
        AuthRoutes.routes + DirectoryRoutes.routes + GrantRoutes.routes + GroupRoutes.routes + PasswordRoutes.routes + LimitRoutes.routes
            + DomainConfigRoutes.routes
            + ApplicationCredentialRoutes.routes
    }

    /// The listener's OpenAPI document, as `GET /openapi.json` serves it, with `baseURL` as its server.
    public static func openAPIDocument(baseURL: String) -> JSON { IdentityOpenAPI.document(allRoutes, baseURL: baseURL) }

    public func handle(_ request: Request, trace: inout RequestTrace) async throws -> Response {
        try await handle(request, &trace)
    }

    /// Keystone's error body: `{"error": {"code", "title", "message"}}`; anything unexpected is a logged 500.
    public func response(for error: any Error, trace: RequestTrace) -> Response {
        // The shared pipeline's faults (the rate limit's 429) in Keystone's body.
        if let fault = (error as? any FaultConvertible)?.fault, !(error is IdentityError) {
            return .json(IdentityError(fault.code, fault.message).body, status: .init(code: fault.code), headers: fault.httpHeaders)
        }
        guard let error = error as? IdentityError else {
            trace.logger.error("unexpected identity error: \(String(reflecting: error))")
            return .json(
                IdentityError(500, "An unexpected error prevented the server from fulfilling your request.").body, status: .internalServerError)
        }
        return .json(error.body, status: .init(code: error.code))
    }

    private func handle(_ request: Request, _ trace: inout RequestTrace) async throws -> Response {
        let base = "http://" + (request.head.authority ?? "127.0.0.1:5000")
        let path = request.uri.path
        if path == "/" {
            return .json(["versions": ["values": [IdentityViews.versionDocument(base)]]], status: .multipleChoices)
        }
        if path == "/v3" || path == "/v3/" { return .json(["version": IdentityViews.versionDocument(base)], status: .ok) }
        if path == "/openapi.json" && request.method == .get {
            trace.route = path
            return .json(IdentityOpenAPI.document(routes, baseURL: base), status: .ok)
        }
        let segments = path.split(separator: "/")
        let candidates = routes.compactMap { route in route.pattern.match(segments).map { (route, $0) } }
        guard !candidates.isEmpty else { throw IdentityError(404, "The resource could not be found.") }
        guard
            let (route, parameters) = candidates.filter({ $0.0.method == request.method })
                .max(by: { $0.0.pattern.specificity < $1.0.pattern.specificity })
        else { throw IdentityError(405, "The method is not allowed for the requested URL.") }
        var body: JSON = .null
        if [.post, .put, .patch].contains(request.method) {
            do { body = try await bodyReader.read(request) } catch let fault as Fault { throw IdentityError(fault.code, fault.message) }
        }
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let identityRequest = IdentityRequest(
            method: request.method.rawValue, path: request.uri.path, parameters: parameters, query: query, body: body,
            authToken: request.headers[.authToken],
            subjectToken: request.headers[HTTPField.Name("X-Subject-Token")!], service: service, base: base + "/v3", logger: trace.logger)
        trace.route = "/" + route.pattern.description
        let reply = try await route.handler(identityRequest)
        var headers = HTTPFields()
        for (name, value) in reply.headers { headers[HTTPField.Name(name)!] = value }
        guard let json = reply.body else { return Response(status: reply.status, headers: headers) }
        return .json(json, status: reply.status, headers: headers)
    }
}
