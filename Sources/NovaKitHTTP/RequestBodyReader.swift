import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
public import NovaKitCore

/// Reads a request body as JSON: media type (415), size (413), UTF-8 and syntax (400). Every listener
/// (compute, identity, image) reads bodies through it.
public struct RequestBodyReader: Sendable {
    let maxBytes: Int
    /// The media types taken as JSON; an empty or `text/plain` type is taken as JSON too when `untyped` is set.
    let acceptedTypes: [String]
    let untyped: Bool

    /// A reader of JSON bodies (`application/json` and the compute API's own type, or none at all).
    public init(maxBytes: Int) {
        self.init(maxBytes: maxBytes, acceptedTypes: ["application/json", "application/vnd.openstack.compute+json"], untyped: true)
    }

    /// A reader of bodies whose JSON comes with one of `acceptedTypes` only (Glance's JSON-patch types).
    public init(maxBytes: Int, acceptedTypes: [String], untyped: Bool = false) {
        self.maxBytes = maxBytes
        self.acceptedTypes = acceptedTypes
        self.untyped = untyped
    }

    private static let untypedTypes = ["", "text/plain"]

    /// The body as JSON; an empty body is `null`.
    public func read(_ request: Request) async throws -> JSON {
        try checkMediaType(request.headers[.contentType])
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes { throw tooLarge }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
        guard buffer.readableBytes > 0 else { return .null }
        do {
            return try JSON.parse(Data(buffer.readableBytesView))
        } catch {
            throw Fault.badRequest("Malformed request body")
        }
    }

    private var tooLarge: Fault {
        Fault(code: 413, message: "Request is too large. The limit is \(maxBytes) bytes.", headers: ["Retry-After": "0"])
    }

    private func checkMediaType(_ header: String?) throws(Fault) {
        let type = (header ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard acceptedTypes.contains(type) || untyped && Self.untypedTypes.contains(type) else {
            throw Fault(code: 415, message: "Unsupported Content-Type")
        }
    }
}
