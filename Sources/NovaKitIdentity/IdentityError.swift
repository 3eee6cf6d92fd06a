import NovaKitCore

/// An identity API error, rendered as Keystone's `{"error": {"code", "title", "message"}}`.
public struct IdentityError: Error, Sendable, Equatable {
    public let code: Int
    public let message: String

    public init(_ code: Int, _ message: String) {
        self.code = code
        self.message = message
    }

    public var title: String {
        switch code {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Request Entity Too Large"
        case 415: "Unsupported Media Type"
        default: "Internal Server Error"
        }
    }

    public var body: JSON { ["error": ["code": .int(code), "title": .string(title), "message": .string(message)]] }

    public static let unauthorized = IdentityError(401, "The request you have made requires authentication.")
    public static func notFound(_ kind: String, _ id: String) -> IdentityError { IdentityError(404, "Could not find \(kind): \(id).") }
    public static func badRequest(_ message: String) -> IdentityError { IdentityError(400, message) }
    public static func conflict(_ message: String) -> IdentityError { IdentityError(409, "Conflict occurred attempting to store \(message).") }
    public static func forbidden(_ rule: String) -> IdentityError {
        IdentityError(403, "You are not authorized to perform the requested action: \(rule).")
    }
}
