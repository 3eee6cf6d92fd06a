import HTTPTypes
import Hummingbird
import Logging
import NovaKitCore
import NovaKitHTTP

/// The one place errors become responses: typed faults as they are, anything else a generic 500.
enum FaultRenderer {
    static func fault(for error: any Error, logger: Logger) -> Fault {
        if let convertible = error as? any FaultConvertible { return convertible.fault }
        logger.error("unexpected error: \(String(reflecting: error))")
        return .internalError
    }

    static func response(for error: any Error, logger: Logger) -> Response {
        let fault = fault(for: error, logger: logger)
        var headers = HTTPFields()
        for (name, value) in fault.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return .json(fault.body, status: HTTPResponse.Status(code: fault.code), headers: headers)
    }
}
