import HTTPTypes
import Hummingbird
import NovaKitCore
import NovaKitHTTP

/// What an image handler sees: the HTTP request, the caller, the image id from the path and the validated body.
struct ImageRequest: Sendable {
    let http: Request
    let auth: AuthContext
    let id: String
    let body: JSON
    /// `http://host:port`
    let base: String
}

/// One route of the image listener: method, path, the body it validates, its success statuses and handler.
struct ImageRoute: Sendable {
    let method: HTTPRequest.Method
    let pattern: PathPattern
    let body: Schema?
    let success: [Int]
    let handler: @Sendable (ImageListener, ImageRequest) async throws -> Response

    init(
        _ method: HTTPRequest.Method, _ path: String, body: Schema? = nil, success: [Int],
        _ handler: @escaping @Sendable (ImageListener, ImageRequest) async throws -> Response
    ) {
        self.method = method
        self.pattern = PathPattern(path)
        self.body = body
        self.success = success
        self.handler = handler
    }
}
