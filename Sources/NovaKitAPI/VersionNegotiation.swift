import Foundation
import HTTPTypes
import NovaKitCore

/// Reads the requested microversion from `OpenStack-API-Version` or `X-OpenStack-Nova-API-Version`.
enum VersionNegotiation {
    static let standardHeader = HTTPField.Name("OpenStack-API-Version")!
    static let legacyHeader = HTTPField.Name("X-OpenStack-Nova-API-Version")!

    /// The microversion to serve; 400 when malformed, 406 when outside `minimum...maximum`.
    static func negotiate(_ headers: HTTPFields, maximum: APIVersion) throws(Fault) -> APIVersion {
        guard let requested = requestedText(headers) else { return .minimum }
        let version: APIVersion
        if requested.lowercased() == "latest" {
            version = maximum
        } else if let parsed = APIVersion(parsing: requested) {
            version = parsed
        } else {
            throw Fault.badRequest("API Version String \(requested) is of invalid format. Must be of format MajorNum.MinorNum.")
        }
        guard version >= .minimum && version <= maximum else {
            throw Fault(
                code: 406,
                message: "Version \(version) is not supported by the API. Minimum is \(APIVersion.minimum) and maximum is \(maximum).")
        }
        return version
    }

    /// The compute entry of the standard header (which may list several services), else the legacy header.
    private static func requestedText(_ headers: HTTPFields) -> String? {
        for value in headers[values: standardHeader] {
            for entry in value.split(separator: ",") {
                let words = entry.split(whereSeparator: \.isWhitespace)
                if words.count == 2, words[0].lowercased() == "compute" { return String(words[1]) }
            }
        }
        if let legacy = headers[legacyHeader]?.trimmingCharacters(in: .whitespaces), !legacy.isEmpty { return legacy }
        return nil
    }

    /// The headers every v2.1 response carries.
    static func responseHeaders(_ version: APIVersion) -> [(HTTPField.Name, String)] {
        [
            (standardHeader, "compute \(version)"),
            (legacyHeader, "\(version)"),
            (.vary, "OpenStack-API-Version, X-OpenStack-Nova-API-Version"),
        ]
    }
}
