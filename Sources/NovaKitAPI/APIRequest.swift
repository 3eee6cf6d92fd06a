import HTTPTypes
import Logging
import NovaKitCore

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
    public let logger: Logger
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
        self.logger = logger
        self.requestID = requestID
        self.baseURL = baseURL
        self.urlProjectID = urlProjectID
    }

    /// Whether the request came through the legacy `/v2` API.
    public var isLegacy: Bool { version == .legacy }

    /// A path parameter the route declares (`{id}`); the router guarantees it is present.
    public func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// Decodes the validated body into a typed value.
    public func decodeBody<T: Decodable>(_ type: T.Type) throws -> T {
        do { return try body.decode(T.self) } catch { throw Fault.badRequest("Malformed request body") }
    }

    /// The whole request with another body (used when dispatching an action).
    func with(body: JSON) -> APIRequest {
        APIRequest(
            auth: auth, version: version, parameters: parameters, query: query, body: body, services: services,
            logger: logger, requestID: requestID, baseURL: baseURL, urlProjectID: urlProjectID
        )
    }
}

/// What a handler returns: an optional JSON body and extra headers; the status comes from the declaration.
public struct Reply: Sendable {
    public var body: JSON?
    public var headers: [String: String]
    /// Overrides the declared status, for operations Nova answers two ways (a tag PUT: 201 new, 204 present).
    public var status: HTTPResponse.Status?

    public init(_ body: JSON? = nil, headers: [String: String] = [:], status: HTTPResponse.Status? = nil) {
        self.body = body
        self.headers = headers
        self.status = status
    }

    /// No body.
    public static let empty = Reply()
}

/// A handler: validated request in, reply out; it never sees the raw HTTP request.
public typealias Handler = @Sendable (APIRequest) async throws -> Reply
