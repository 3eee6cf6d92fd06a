import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NovaKitCore

/// `GET /healthcheck` as oslo.middleware's healthcheck answers it, for load balancers: 200 `OK` (HEAD: 204)
/// while the node can serve, 503 with the reason when it cannot — the database is unreachable, or the
/// operator created the disable file to drain the node. `Accept: application/json` gets
/// `{"detailed": false, "reasons": [...]}`. No authentication, as oslo's.
public struct HealthCheck: Sendable {
    public static let path = "/healthcheck"

    /// Why the node cannot serve, or `nil` when it can (the database probe).
    let probe: @Sendable () async -> String?
    /// While this file exists the node reports itself disabled (oslo's `disable_by_file_path`).
    let disableFile: String?

    public init(disableFile: String? = nil, probe: @escaping @Sendable () async -> String?) {
        self.disableFile = disableFile
        self.probe = probe
    }

    /// The answer for `request`, or `nil` when it is not a health check.
    func response(to request: Request) async -> Response? {
        guard request.uri.path == Self.path, request.method == .get || request.method == .head else { return nil }
        var reason: String?
        if let disableFile, FileManager.default.fileExists(atPath: disableFile) {
            reason = "DISABLED BY FILE"
        } else {
            reason = await probe()
        }
        let reasons = [reason ?? "OK"]
        let status: HTTPResponse.Status = reason == nil ? (request.method == .head ? .noContent : .ok) : .serviceUnavailable
        var headers = HTTPFields()
        headers[.cacheControl] = "no-store"
        if request.method == .head {
            headers[.contentType] = "text/plain; charset=UTF-8"
            return Response(status: status, headers: headers)
        }
        if request.headers[.accept]?.contains("application/json") == true {
            return .json(["detailed": false, "reasons": .array(reasons.map { .string($0) })], status: status, headers: headers)
        }
        headers[.contentType] = "text/plain; charset=UTF-8"
        return Response(
            status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: reasons.joined(separator: "\n"))))
    }
}
