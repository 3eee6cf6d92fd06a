public import HTTPTypes
public import Hummingbird
public import Logging
import Metrics
public import NovaKitCore
import Tracing

/// What a listener learns about a request while handling it, for its response headers and the access log.
public struct RequestTrace: Sendable {
    /// `req-<uuid>`, sent back as `x-openstack-request-id` (and whatever else the listener adds).
    public let requestID: String
    /// The listener's logger, without the request id (`logger` adds it).
    public let listenerLogger: Logger
    /// Headers every response to this request carries, error or not (the compute API's microversion headers).
    public var headers: [HTTPField.Name: String] = [:]
    /// The caller's project and user, once authenticated.
    public var projectID: String?
    public var userID: String?
    /// The route template the request matched (`/servers/{server_id}`), for logs and metrics.
    public var route: String?

    public init(requestID: String, listenerLogger: Logger) {
        self.requestID = requestID
        self.listenerLogger = listenerLogger
    }

    /// The listener's logger with the request id in its metadata (made when something logs: setting metadata
    /// on a stream log handler re-renders it, a cost every request would otherwise pay).
    public var logger: Logger {
        var logger = listenerLogger
        logger[metadataKey: "request_id"] = .string(requestID)
        return logger
    }
}

/// One HTTP listener's own part: its routes and its fault format. Everything else — the request id, the
/// one catch, the access log — is `RequestPipeline`'s, shared by the compute, identity and image listeners.
public protocol Listener: Sendable {
    /// The service name the access log gives (`compute`, `identity`, `image`).
    var name: String { get }
    /// Answers `request`; may record what it learns in `trace` before it answers or throws.
    func handle(_ request: Request, trace: inout RequestTrace) async throws -> Response
    /// The listener's fault body for `error` (the one place its errors become responses).
    func response(for error: any Error, trace: RequestTrace) -> Response
    /// The level of its access log lines: `info`, or `debug` for a listener only machines poll (metrics).
    var accessLogLevel: Logger.Level { get }
}

extension Listener {
    public var accessLogLevel: Logger.Level { .info }
}

/// The request pipeline every NovaKit listener runs: request id → health check or handler → error rendering
/// in the listener's format → request-id and hardening headers → access log.
public struct RequestPipeline<L: Listener>: HTTPResponder {
    public typealias Context = ClientRequestContext

    let listener: L
    let ids: any IDGenerator
    let logger: Logger
    let health: HealthCheck?
    let rateLimit: RateLimiter?

    public init(_ listener: L, ids: any IDGenerator, logger: Logger, health: HealthCheck? = nil, rateLimit: RateLimiter? = nil) {
        self.listener = listener
        self.ids = ids
        self.logger = logger
        self.health = health
        self.rateLimit = rateLimit
    }

    /// Runs the request inside a server span (continuing a caller's W3C trace context when the headers carry
    /// one), so whatever tracer the process installed sees every request and the database calls under it.
    public func respond(to request: Request, context: Context) async throws -> Response {
        var serviceContext = ServiceContext.current ?? .topLevel
        InstrumentationSystem.instrument.extract(request.headers, into: &serviceContext, using: HTTPFieldsExtractor())
        return try await withSpan("\(request.method.rawValue) \(listener.name)", context: serviceContext, ofKind: .server) { span in
            try await respond(to: request, context: context, span: span)
        }
    }

    private func respond(to request: Request, context: Context, span: any Span) async throws -> Response {
        let started = ContinuousClock.now
        let requestID = "req-" + ids.uuid()
        var trace = RequestTrace(requestID: requestID, listenerLogger: logger)
        var response: Response
        let healthCheck = await health?.response(to: request)
        if let healthCheck {
            response = healthCheck
        } else {
            do {
                if let rateLimit, let wait = rateLimit.take(context.remoteAddress?.ipAddress ?? "unknown") {
                    throw Fault.rateLimited(retryAfter: wait)
                }
                response = try await listener.handle(request, trace: &trace)
            } catch {
                response = listener.response(for: error, trace: trace)
            }
            for (name, value) in trace.headers { response.headers[name] = value }
        }
        response.headers[.openStackRequestID] = requestID
        // Bodies are JSON or plain text, never something a browser should guess at.
        response.headers[.contentTypeOptions] = "nosniff"
        let elapsed = ContinuousClock.now - started
        // The route template, never the raw path, so the metrics' label values stay few.
        let route = trace.route ?? (healthCheck == nil ? "unmatched" : HealthCheck.path)
        let method = request.method.rawValue
        Counter(
            label: "novakit_http_requests_total",
            dimensions: [("service", listener.name), ("method", method), ("route", route), ("status", String(response.status.code))]
        ).increment()
        Timer(label: "novakit_http_request_duration_seconds", dimensions: [("service", listener.name), ("method", method), ("route", route)])
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        if span.isRecording { record(on: span, method: method, route: route, status: response.status, requestID: requestID, trace: trace) }
        // Load balancers probe every few seconds: their checks are logged only when debugging.
        logger.log(
            level: healthCheck == nil ? listener.accessLogLevel : .debug,
            "\(request.method) \(request.uri.path) \(response.status.code)",
            metadata: [
                "request_id": .string(requestID), "service": .string(listener.name), "method": .string(request.method.rawValue),
                "path": .string(request.uri.path), "status": .stringConvertible(response.status.code),
                "duration_ms": .string(elapsed.millisecondsText), "project": .string(trace.projectID ?? "-"),
                "user": .string(trace.userID ?? "-"), "route": .string(route),
            ])
        return response
    }

    /// The span's name and attributes (skipped when no tracer records them).
    private func record(on span: any Span, method: String, route: String, status: HTTPResponse.Status, requestID: String, trace: RequestTrace) {
        span.operationName = "\(method) \(route)"
        span.updateAttributes { attributes in
            attributes["http.request.method"] = method
            attributes["http.route"] = route
            attributes["http.response.status_code"] = Int(status.code)
            attributes["openstack.service"] = listener.name
            attributes["openstack.request_id"] = requestID
            if let project = trace.projectID { attributes["openstack.project_id"] = project }
            if let user = trace.userID { attributes["openstack.user_id"] = user }
        }
        if status.code >= 500 { span.setStatus(SpanStatus(code: .error)) }
    }
}

extension HTTPField.Name {
    /// `x-openstack-request-id`
    public static let openStackRequestID = HTTPField.Name("x-openstack-request-id")!
    /// `X-Auth-Token`
    public static let authToken = HTTPField.Name("X-Auth-Token")!
    /// `X-Content-Type-Options`
    public static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
}

extension Fault {
    /// 429 for a client over the rate limit, with `Retry-After` in whole seconds (at least 1).
    static func rateLimited(retryAfter wait: Duration) -> Fault {
        let seconds = max(1, Int((Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18).rounded(.up)))
        return Fault(code: 429, message: "Rate limit exceeded: too many requests from this client.", headers: ["Retry-After": String(seconds)])
    }

    /// The fault's own headers (`Allow`, `Retry-After`) as HTTP fields.
    public var httpHeaders: HTTPFields {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        return fields
    }
}

/// Reads trace context (W3C `traceparent`, …) from request headers for whatever instrument is installed.
private struct HTTPFieldsExtractor: Extractor {
    func extract(key name: String, from headers: HTTPFields) -> String? {
        HTTPField.Name(name).flatMap { headers[$0] }
    }
}
