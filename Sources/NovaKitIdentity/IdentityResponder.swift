import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NovaKitCore
import NovaKitHTTP

/// The identity listener (default 127.0.0.1:5000): Keystone v3 routes, Keystone's error body.
public struct IdentityResponder: HTTPResponder {
    public typealias Context = BasicRequestContext

    let service: IdentityService
    let routes: [IdentityRoute]
    let logger: Logger
    let bodyReader = RequestBodyReader(maxBytes: 114_688)

    public init(service: IdentityService, logger: Logger) {
        self.service = service
        self.logger = logger
        self.routes = AuthRoutes.routes + DirectoryRoutes.routes + GrantRoutes.routes
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let requestID = "req-" + service.ids.uuid()
        var response: Response
        do {
            response = try await handle(request)
        } catch let error as IdentityError {
            response = .json(error.body, status: .init(code: error.code))
        } catch {
            logger.error("unexpected identity error: \(String(reflecting: error))", metadata: ["request_id": .string(requestID)])
            response = .json(
                IdentityError(500, "An unexpected error prevented the server from fulfilling your request.").body, status: .internalServerError)
        }
        response.headers[HTTPField.Name("x-openstack-request-id")!] = requestID
        let elapsed = ContinuousClock.now - started
        logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code)",
            metadata: [
                "service": "identity", "method": .string(request.method.rawValue), "path": .string(request.uri.path),
                "status": .stringConvertible(response.status.code), "request_id": .string(requestID),
                "duration_ms": .string(elapsed.millisecondsText),
            ])
        return response
    }

    private func handle(_ request: Request) async throws -> Response {
        let base = "http://" + (request.head.authority ?? "127.0.0.1:5000")
        let path = request.uri.path
        if path == "/" {
            return .json(["versions": ["values": [IdentityViews.versionDocument(base)]]], status: .multipleChoices)
        }
        if path == "/v3" || path == "/v3/" { return .json(["version": IdentityViews.versionDocument(base)], status: .ok) }
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
            parameters: parameters, query: query, body: body, authToken: request.headers[HTTPField.Name("X-Auth-Token")!],
            subjectToken: request.headers[HTTPField.Name("X-Subject-Token")!], service: service, base: base + "/v3")
        let reply = try await route.handler(identityRequest)
        var headers = HTTPFields()
        for (name, value) in reply.headers { headers[HTTPField.Name(name)!] = value }
        guard let json = reply.body else { return Response(status: reply.status, headers: headers) }
        return .json(json, status: reply.status, headers: headers)
    }
}
