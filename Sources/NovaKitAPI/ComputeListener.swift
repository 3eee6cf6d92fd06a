import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NovaKitCore
public import NovaKitHTTP

/// The compute API listener: URL prefix → microversion → auth → route → body → validation → member lookup →
/// policy → handler → response extensions. The request id, error catch and access log are the shared
/// `RequestPipeline`'s; this type keeps the routes and Nova's fault format.
public struct ComputeListener: Listener {
    public let name = "compute"

    let registry: ExtensionRegistry
    let services: Services
    let authenticator: any Authenticator
    let bodyReader: RequestBodyReader
    let maximum: APIVersion

    public init(registry: ExtensionRegistry, services: Services, authenticator: any Authenticator, maxBodyBytes: Int) {
        self.registry = registry
        self.services = services
        self.authenticator = authenticator
        self.bodyReader = RequestBodyReader(maxBytes: maxBodyBytes)
        self.maximum = registry.maxVersion
    }

    static let computeRequestID = HTTPField.Name("x-compute-request-id")!

    public func handle(_ request: Request, trace: inout RequestTrace) async throws -> Response {
        trace.headers[Self.computeRequestID] = trace.requestID
        return try await route(request, trace: &trace)
    }

    /// Nova's fault body: a typed fault as it is, anything else a generic 500 with the cause in the log.
    public func response(for error: any Error, trace: RequestTrace) -> Response {
        let fault: Fault
        if let convertible = error as? any FaultConvertible {
            fault = convertible.fault
        } else {
            trace.logger.error("unexpected error: \(String(reflecting: error))")
            fault = .internalError
        }
        return .json(fault.body, status: HTTPResponse.Status(code: fault.code), headers: fault.httpHeaders)
    }

    /// `?microversion=2.x` (or `latest`) of `/openapi.json`; 2.1 when absent, as a request without a header.
    private func openAPIVersion(_ request: Request) throws -> APIVersion? {
        guard let text = request.uri.queryParameters["microversion"].map(String.init) else { return nil }
        if text == "latest" { return maximum }
        guard let version = APIVersion(parsing: text), version >= .minimum, version <= maximum else {
            throw Fault.badRequest("Invalid microversion '\(text)': use 2.1 to \(maximum), or latest.")
        }
        return version
    }

    /// Records the negotiated microversion's headers, which every response at that version carries.
    private func record(_ version: APIVersion, in trace: inout RequestTrace) {
        for (name, value) in VersionNegotiation.responseHeaders(version) { trace.headers[name] = value }
    }

    private func route(_ request: Request, trace: inout RequestTrace) async throws -> Response {
        let path = request.uri.path
        let baseURL = "http://" + (request.head.authority ?? "127.0.0.1")
        switch path {
        case "/": return .json(VersionDocuments.list(baseURL: baseURL, maximum: maximum), status: .ok)
        case "/v2", "/v2.1": return Response(status: .found, headers: [.location: baseURL + path + "/"])
        case "/v2/": return .json(VersionDocuments.single(VersionDocuments.v20(baseURL: baseURL)), status: .ok)
        case "/v2.1/": return .json(VersionDocuments.single(VersionDocuments.v21(baseURL: baseURL, maximum: maximum)), status: .ok)
        case "/openapi.json":
            trace.route = path
            return .json(OpenAPIDocument(registry: registry).json(at: try openAPIVersion(request), baseURL: baseURL), status: .ok)
        default: break
        }
        guard let prefix = URLPrefix(segments: path.split(separator: "/")) else { throw Fault.notFound("The resource could not be found.") }

        let version: APIVersion
        if prefix.api == .legacy {
            version = .legacy
        } else {
            record(.minimum, in: &trace)
            version = try VersionNegotiation.negotiate(request.headers, maximum: maximum)
            record(version, in: &trace)
        }

        let auth = try await authenticator.authenticate(token: request.headers[.authToken])
        try auth.refuseSystemScopedChange(method: request.method.rawValue)
        try auth.checkAccessRules(service: "compute", method: request.method.rawValue, path: request.uri.path)
        trace.projectID = auth.projectID
        trace.userID = auth.userID
        if let urlProject = prefix.projectID, !auth.isSystemScoped, urlProject != auth.projectID {
            throw Fault.badRequest(
                "Malformed request URL: URL's project_id '\(urlProject)' doesn't match Context's project_id '\(auth.projectID)'")
        }
        if prefix.rest.isEmpty && request.method == .get {
            let document = prefix.api == .legacy ? VersionDocuments.v20(baseURL: baseURL) : VersionDocuments.v21(baseURL: baseURL, maximum: maximum)
            return .json(VersionDocuments.single(document), status: .ok)
        }

        // A trailing slash below the prefix names a member with a blank id (`GET /os-simple-tenant-usage/`,
        // `DELETE /images/`), which Nova's router matches to nothing.
        if path.hasSuffix("/") && !prefix.rest.isEmpty { throw Fault.notFound("The resource could not be found.") }
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
        trace.route = "/" + route.pattern.description

        let body: JSON = [.post, .put, .patch].contains(request.method) ? try await bodyReader.read(request) : .null
        var query: [String: [String]] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key), default: []].append(String(value)) }
        let apiRequest = APIRequest(
            auth: auth, version: version, parameters: parameters, query: query, body: body, services: services, logger: trace.listenerLogger,
            requestID: trace.requestID, baseURL: baseURL, urlProjectID: prefix.projectID)
        return try await dispatch(apiRequest, route: route, routingVersion: routingVersion)
    }
}
