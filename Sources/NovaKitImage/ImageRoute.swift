import HTTPTypes
import Hummingbird
import NovaKitCore
import NovaKitHTTP

/// What an image handler sees: the HTTP request, the caller, the image id from the path and the validated body.
struct ImageRequest: Sendable {
    let http: Request
    let auth: AuthContext
    /// The path's parameters (`image_id`, `member_id`, `tag`).
    let parameters: [String: String]
    let body: JSON
    /// `http://host:port`
    let base: String

    /// The image id from the path.
    var id: String { parameters["image_id"] ?? "" }

    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// The query string's parameters.
    var query: [String: String] {
        var query: [String: String] = [:]
        for (key, value) in http.uri.queryParameters { query[String(key)] = String(value) }
        return query
    }
}

/// One route of the image listener: method, path, the body it validates, its success statuses and handler.
struct ImageRoute: Sendable {
    let method: HTTPRequest.Method
    let pattern: PathPattern
    let body: Schema?
    /// The media types the body must come as; `nil`: JSON, as every other listener reads it.
    let mediaTypes: [String]?
    let success: [Int]
    let handler: @Sendable (ImageListener, ImageRequest) async throws -> Response

    init(
        _ method: HTTPRequest.Method, _ path: String, body: Schema? = nil, mediaTypes: [String]? = nil, success: [Int],
        _ handler: @escaping @Sendable (ImageListener, ImageRequest) async throws -> Response
    ) {
        self.method = method
        self.pattern = PathPattern(path)
        self.body = body
        self.mediaTypes = mediaTypes
        self.success = success
        self.handler = handler
    }

    /// The reader of this route's body.
    var bodyReader: RequestBodyReader {
        guard let mediaTypes else { return RequestBodyReader(maxBytes: 65536) }
        return RequestBodyReader(maxBytes: 65536, acceptedTypes: mediaTypes)
    }
}
