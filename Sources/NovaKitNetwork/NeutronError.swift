public import NovaKitCore

/// A network service error: Neutron names each one (`NetworkNotFound`, `IpAddressAlreadyAllocated`…) and
/// shows the name beside the message in `{"NeutronError": {"type", "message", "detail"}}`.
public struct NeutronError: Error, FaultConvertible, Equatable {
    public let code: Int
    public let type: String
    public let message: String

    public init(code: Int, type: String, message: String) {
        self.code = code
        self.type = type
        self.message = message
    }

    public var fault: Fault { Fault(code: code, message: message) }

    public static func badRequest(_ message: String) -> NeutronError { NeutronError(code: 400, type: "HTTPBadRequest", message: message) }
    public static func forbidden(_ message: String) -> NeutronError { NeutronError(code: 403, type: "HTTPForbidden", message: message) }

    static func notFound(_ kind: String, _ id: String) -> NeutronError {
        let label = ["Network": "Network", "Subnet": "Subnet", "Port": "Port", "Router": "Router"][kind] ?? kind
        return NeutronError(code: 404, type: "\(kind)NotFound", message: "\(label) \(id) could not be found.")
    }

    static func conflict(_ type: String, _ message: String) -> NeutronError { NeutronError(code: 409, type: type, message: message) }

    /// The type Neutron shows for a plain fault of `code` (the framework's own 404s, 405s and 500s).
    public static func type(for code: Int) -> String {
        switch code {
        case 400: return "HTTPBadRequest"
        case 401: return "HTTPUnauthorized"
        case 403: return "HTTPForbidden"
        case 404: return "HTTPNotFound"
        case 405: return "HTTPMethodNotAllowed"
        case 409: return "HTTPConflict"
        case 413: return "HTTPRequestEntityTooLarge"
        default: return "HTTPInternalServerError"
        }
    }
}
