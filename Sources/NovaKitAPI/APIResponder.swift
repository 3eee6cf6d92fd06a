import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NovaKitCore
import NovaKitHTTP

/// The compute API: every request travels request id → fault rendering → URL prefix → microversion →
/// auth → route → body → validation → target lookup → policy → handler → response extensions → response.
public struct APIResponder: HTTPResponder {
    public typealias Context = NovaRequestContext

    let registry: ExtensionRegistry
    let services: Services
    let authenticator: any Authenticator
    let bodyReader: RequestBodyReader
    let logger: Logger
    let maximum: APIVersion

    public init(registry: ExtensionRegistry, services: Services, authenticator: any Authenticator, maxBodyBytes: Int, logger: Logger) {
        self.registry = registry
        self.services = services
        self.authenticator = authenticator
        self.bodyReader = RequestBodyReader(maxBytes: maxBodyBytes)
        self.logger = logger
        self.maximum = registry.maxVersion
    }

    /// What the pipeline learned before it finished or failed, for headers and the access log.
    struct Trace {
        var version: APIVersion?
        var projectID: String?
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let requestID = "req-" + services.ids.uuid()
        var logger = self.logger
        logger[metadataKey: "request_id"] = .string(requestID)
        var trace = Trace()
        var response: Response
        do {
            response = try await handle(request, requestID: requestID, logger: logger, trace: &trace)
        } catch {
            response = FaultRenderer.response(for: error, logger: logger)
        }
        response.headers[HTTPField.Name("x-openstack-request-id")!] = requestID
        response.headers[HTTPField.Name("x-compute-request-id")!] = requestID
        if let version = trace.version {
            for (name, value) in VersionNegotiation.responseHeaders(version) { response.headers[name] = value }
        }
        let elapsed = ContinuousClock.now - started
        logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code)",
            metadata: [
                "method": .string(request.method.rawValue), "path": .string(request.uri.path),
                "status": .stringConvertible(response.status.code),
                "duration_ms": .string(elapsed.millisecondsText),
                "project": .string(trace.projectID ?? "-"),
            ])
        return response
    }

    private func handle(_ request: Request, requestID: String, logger: Logger, trace: inout Trace) async throws -> Response {
        let path = request.uri.path
        let baseURL = "http://" + (request.head.authority ?? "127.0.0.1")
        switch path {
        case "/": return .json(VersionDocuments.list(baseURL: baseURL, maximum: maximum), status: .ok)
        case "/v2", "/v2.1": return Response(status: .found, headers: [.location: baseURL + path + "/"])
        case "/v2/": return .json(VersionDocuments.single(VersionDocuments.v20(baseURL: baseURL)), status: .ok)
        case "/v2.1/": return .json(VersionDocuments.single(VersionDocuments.v21(baseURL: baseURL, maximum: maximum)), status: .ok)
        default: break
        }
        guard let prefix = URLPrefix(segments: path.split(separator: "/")) else { throw Fault.notFound("The resource could not be found.") }

        let version: APIVersion
        if prefix.api == .legacy {
            version = .legacy
        } else {
            trace.version = .minimum
            version = try VersionNegotiation.negotiate(request.headers, maximum: maximum)
            trace.version = version
        }

        let auth = try await authenticator.authenticate(token: request.headers[HTTPField.Name("X-Auth-Token")!])
        trace.projectID = auth.projectID
        if let urlProject = prefix.projectID, urlProject != auth.projectID {
            throw Fault.badRequest(
                "Malformed request URL: URL's project_id '\(urlProject)' doesn't match Context's project_id '\(auth.projectID)'")
        }
        if prefix.rest.isEmpty && request.method == .get {
            let document = prefix.api == .legacy ? VersionDocuments.v20(baseURL: baseURL) : VersionDocuments.v21(baseURL: baseURL, maximum: maximum)
            return .json(VersionDocuments.single(document), status: .ok)
        }

        let routingVersion = prefix.api == .legacy ? APIVersion.minimum : version
        let route: Route
        let parameters: [String: String]
        switch registry.routes.resolve(method: request.method, path: prefix.rest, version: routingVersion) {
        case .notFound:
            throw Fault.notFound("The resource could not be found.")
        case .methodNotAllowed(let allowed):
            throw Fault(
                code: 405, message: "The method \(request.method.rawValue) is not allowed for this resource.",
                headers: ["Allow": allowed.map(\.rawValue).joined(separator: ", ")])
        case .found(let found, let matched):
            route = found
            parameters = matched
        }

        let body: JSON = [.post, .put, .patch].contains(request.method) ? try await bodyReader.read(request) : .null
        var query: [String: [String]] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key), default: []].append(String(value)) }
        let apiRequest = APIRequest(
            auth: auth, version: version, parameters: parameters, query: query, body: body, services: services, logger: logger,
            requestID: requestID, baseURL: baseURL, urlProjectID: prefix.projectID)
        return try await dispatch(apiRequest, route: route, routingVersion: routingVersion)
    }
}
