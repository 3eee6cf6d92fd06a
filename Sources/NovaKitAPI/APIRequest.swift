public import HTTPTypes
public import Logging
public import NovaKitCore
public import NovaKitHTTP
public import NovaKitPolicy

/// What a handler sees of a request: identity, version, path parameters, query and validated body.
public struct APIRequest: Sendable {
    public let auth: AuthContext
    /// The negotiated microversion; `APIVersion.legacy` (2.0) under `/v2`.
    public let version: APIVersion
    public let parameters: [String: String]
    public let query: [String: [String]]
    /// The validated body (for actions: the value under the action key).
    public let body: JSON
    public let services: Services
    /// The listener's logger; `logger` adds the request id when a handler logs (rare, so not paid up front).
    private let listenerLogger: Logger
    public let requestID: String
    /// `http://host:port`, for links in bodies.
    public let baseURL: String
    /// The project id when the URL carried one (links then carry it too).
    public let urlProjectID: String?

    public init(
        auth: AuthContext, version: APIVersion, parameters: [String: String], query: [String: [String]], body: JSON,
        services: Services, logger: Logger, requestID: String, baseURL: String, urlProjectID: String?
    ) {
        self.auth = auth
        self.version = version
        self.parameters = parameters
        self.query = query
        self.body = body
        self.services = services
        listenerLogger = logger
        self.requestID = requestID
        self.baseURL = baseURL
        self.urlProjectID = urlProjectID
    }

    /// The listener's logger with the request id in its metadata.
    public var logger: Logger {
        var logger = listenerLogger
        logger[metadataKey: "request_id"] = .string(requestID)
        return logger
    }

    /// Whether the request came through the legacy `/v2` API.
    public var isLegacy: Bool { version == .legacy }

    /// A path parameter the route declares (`{id}`); the router guarantees it is present.
    public func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// Decodes the validated body into a typed value; a fault a body type throws while decoding passes through.
    public func decodeBody<T: Decodable>(_ type: T.Type) throws -> T {
        do { return try body.decode(T.self) } catch let error as any FaultConvertible { throw error } catch {
            throw Fault.badRequest("Malformed request body")
        }
    }

    /// Throws a 403 unless `rule` allows the caller to act on `target`.
    public func authorize(_ rule: PolicyDefault, target: PolicyTarget) throws {
        try services.policy.authorize(rule, credentials: auth.credentials, target: target)
    }

    /// Whether `rule` allows the caller to act on `target` (the caller's own project by default); for optional fields.
    public func allows(_ rule: PolicyDefault, target: PolicyTarget? = nil) -> Bool {
        services.policy.allows(rule, credentials: auth.credentials, target: target ?? auth.ownTarget)
    }

    /// The whole request with another body (used when dispatching an action).
    func with(body: JSON) -> APIRequest {
        APIRequest(
            auth: auth, version: version, parameters: parameters, query: query, body: body, services: services,
            logger: listenerLogger, requestID: requestID, baseURL: baseURL, urlProjectID: urlProjectID
        )
    }
}

/// What a handler returns: an optional JSON body and extra headers; the status comes from the declaration.
public struct Reply: Sendable {
    public var body: JSON?
    /// A body already written as JSON text (views rendered in bulk with `JSONWriter`), sent as it is unless a
    /// response extension needs it as a tree.
    public var encodedBody: [UInt8]?
    public var headers: [String: String]
    /// Overrides the declared status, for operations Nova answers two ways (a tag PUT: 201 new, 204 present).
    public var status: HTTPResponse.Status?

    public init(_ body: JSON? = nil, headers: [String: String] = [:], status: HTTPResponse.Status? = nil) {
        self.body = body
        self.headers = headers
        self.status = status
    }

    /// A reply whose body `JSONWriter` wrote.
    public init(encoded: [UInt8], headers: [String: String] = [:], status: HTTPResponse.Status? = nil) {
        self.encodedBody = encoded
        self.headers = headers
        self.status = status
    }

    /// No body.
    public static let empty = Reply()
}

/// A handler: validated request in, reply out; it never sees the raw HTTP request.
public typealias Handler = @Sendable (APIRequest) async throws -> Reply
