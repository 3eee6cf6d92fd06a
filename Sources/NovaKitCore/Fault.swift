/// A Nova fault: the only shape in which errors leave the API.
public struct Fault: Error, Sendable, Equatable {
    public let code: Int
    public let message: String
    /// Extra response headers, such as `Retry-After` or `WWW-Authenticate`.
    public let headers: [String: String]

    public init(code: Int, message: String, headers: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.headers = headers
    }

    /// Nova's fault name for the status code (`computeFault` when it has none).
    public var name: String {
        switch code {
        case 400: "badRequest"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "itemNotFound"
        case 405: "badMethod"
        case 409: "conflictingRequest"
        case 413, 429: "overLimit"
        case 415: "badMediaType"
        case 501: "notImplemented"
        case 503: "serviceUnavailable"
        default: "computeFault"
        }
    }

    /// The fault body: `{"<name>": {"code": N, "message": "…"}}`.
    public var body: JSON { [name: ["code": .int(code), "message": .string(message)]] }

    public static func badRequest(_ message: String) -> Fault { Fault(code: 400, message: message) }
    public static func forbidden(_ message: String) -> Fault { Fault(code: 403, message: message) }
    public static func notFound(_ message: String) -> Fault { Fault(code: 404, message: message) }
    public static func conflict(_ message: String) -> Fault { Fault(code: 409, message: message) }

    /// The message of an unexpected error: generic, with details only in the log.
    public static let internalError = Fault(
        code: 500,
        message: "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible."
    )
}

/// A typed domain error that knows its fault; the API renders it in one place.
public protocol FaultConvertible: Error {
    var fault: Fault { get }
}

extension Fault: FaultConvertible {
    public var fault: Fault { self }
}
