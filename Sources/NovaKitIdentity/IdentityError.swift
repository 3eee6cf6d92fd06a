public import NovaKitCore
import NovaKitHTTP

/// An identity API error, rendered as Keystone's `{"error": {"code", "title", "message"}}`.
public struct IdentityError: Error, Sendable, Equatable {
    public let code: Int
    public let message: String

    public init(_ code: Int, _ message: String) {
        self.code = code
        self.message = message
    }

    public var title: String { StatusTitle.of(code) }

    public var body: JSON { ["error": ["code": .int(code), "title": .string(title), "message": .string(message)]] }

    public static let unauthorized = IdentityError(401, "The request you have made requires authentication.")
    public static func notFound(_ kind: String, _ id: String) -> IdentityError { IdentityError(404, "Could not find \(kind): \(id).") }
    public static func badRequest(_ message: String) -> IdentityError { IdentityError(400, message) }
    public static func conflict(_ message: String) -> IdentityError { IdentityError(409, "Conflict occurred attempting to store \(message).") }
    public static func forbidden(_ rule: String) -> IdentityError {
        IdentityError(403, "You are not authorized to perform the requested action: \(rule).")
    }
}
