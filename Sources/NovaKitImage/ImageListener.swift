import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
public import NovaKitCore
public import NovaKitHTTP
import NovaKitStorage
import SQLKit

/// The image listener (default 127.0.0.1:9292): the Glance v2 subset clients use to find and manage images, with
/// Glance's error body; the request id, error catch and access log are the shared `RequestPipeline`'s.
public struct ImageListener: Listener {
    public let name = "image"

    let store: ImageStore
    let authenticator: any Authenticator
    let ids: any IDGenerator

    public init(store: ImageStore, authenticator: any Authenticator, ids: any IDGenerator) {
        self.store = store
        self.authenticator = authenticator
        self.ids = ids
    }

    public func handle(_ request: Request, trace: inout RequestTrace) async throws -> Response {
        try await handle(request)
    }

    /// Glance's error body: `{"code", "title", "message"}`; anything unexpected is a logged 500.
    public func response(for error: any Error, trace: RequestTrace) -> Response {
        let fault = (error as? any FaultConvertible)?.fault ?? .internalError
        if !(error is any FaultConvertible) { trace.logger.error("unexpected image API error: \(String(reflecting: error))") }
        let body: JSON = [
            "code": .int(fault.code), "title": .string(StatusTitle.of(fault.code)), "message": .string(fault.message),
        ]
        return .json(body, status: .init(code: fault.code), headers: fault.httpHeaders)
    }

    private func handle(_ request: Request) async throws -> Response {
        let base = "http://" + (request.head.authority ?? "127.0.0.1:9292")
        let path = request.uri.path
        if path == "/" || path == "/versions" {
            let versions: JSON = ["versions": [["id": "v2.16", "status": "CURRENT", "links": [["rel": "self", "href": .string("\(base)/v2/")]]]]]
            return .json(versions, status: path == "/" ? .multipleChoices : .ok)
        }
        let segments = path.split(separator: "/")
        guard segments.count >= 2, segments[0] == "v2", segments[1] == "images", segments.count <= 4 else {
            throw Fault.notFound("The resource could not be found.")
        }
        let auth = try await authenticator.authenticate(token: request.headers[.authToken])
        switch (request.method, segments.count) {
        case (.get, 2): return try await list(request, auth, base)
        case (.post, 2): return .json(try await create(request, auth), status: .created)
        case (.get, 3):
            return .json(ImageViews.glance(try await store.get(String(segments[2]), project: auth.projectID, isAdmin: auth.isAdmin)), status: .ok)
        case (.delete, 3):
            try await store.delete(String(segments[2]), project: auth.projectID, isAdmin: auth.isAdmin)
            return Response(status: .noContent)
        case (.put, 4) where segments[3] == "file":
            _ = try await store.get(String(segments[2]), project: auth.projectID, isAdmin: auth.isAdmin)
            throw Fault(code: 501, message: "NovaKit keeps image metadata only; uploading image data is not supported.")
        default:
            throw Fault(code: 405, message: "The method is not allowed for this resource.")
        }
    }

    private func list(_ request: Request, _ auth: AuthContext, _ base: String) async throws -> Response {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let visibility = query["visibility"]
        var images = try await store.all().filter { image in
            guard image.visible(to: auth.projectID, isAdmin: auth.isAdmin) || visibility == "all" && auth.isAdmin else { return false }
            if let visibility, visibility != "all", image.visibility != visibility { return false }
            if let name = query["name"], image.name != name { return false }
            if let status = query["status"], image.status != status { return false }
            if let owner = query["owner"], image.owner != owner { return false }
            return true
        }
        if let marker = query["marker"] {
            guard let index = images.firstIndex(where: { $0.id == marker }) else { throw Fault.badRequest("marker [\(marker)] not found") }
            images = Array(images[(index + 1)...])
        }
        var body: JSON = ["first": "/v2/images", "schema": "/v2/schemas/images"]
        if let text = query["limit"] {
            guard let limit = Int(text), limit >= 0 else { throw Fault.badRequest("limit param must be an integer") }
            if images.count > limit, let last = images.prefix(limit).last {
                body["next"] = .string("/v2/images?limit=\(limit)&marker=\(last.id)")
            }
            images = Array(images.prefix(limit))
        }
        body["images"] = .array(images.map(ImageViews.glance))
        return .json(body, status: .ok)
    }

    private func create(_ request: Request, _ auth: AuthContext) async throws -> JSON {
        guard case .object(let fields) = try await RequestBodyReader(maxBytes: 65536).read(request) else {
            throw Fault.badRequest("Malformed request body")
        }
        let core: Set<String> = [
            "id", "name", "visibility", "container_format", "disk_format", "min_disk", "min_ram", "protected", "os_hidden", "tags",
        ]
        let visibility = fields["visibility"]?.stringValue ?? "shared"
        guard ["public", "private", "shared", "community"].contains(visibility) else {
            throw Fault.badRequest("Invalid visibility value: \(visibility)")
        }
        guard visibility != "public" || auth.isAdmin else { throw Fault.forbidden("You are not authorized to publicize images.") }
        var properties: [String: String] = [:]
        for (key, value) in fields where !core.contains(key) {
            guard let text = value.stringValue else { throw Fault.badRequest("Property \(key) must be a string.") }
            properties[key] = text
        }
        let image = Image(
            id: fields["id"]?.stringValue ?? ids.uuid(), name: fields["name"]?.stringValue, status: "queued", visibility: visibility,
            containerFormat: fields["container_format"]?.stringValue, diskFormat: fields["disk_format"]?.stringValue,
            minDisk: fields["min_disk"]?.intValue ?? 0, minRam: fields["min_ram"]?.intValue ?? 0, size: nil, checksum: nil, owner: auth.projectID,
            protected: fields["protected"] == .bool(true), hidden: fields["os_hidden"] == .bool(true), properties: properties,
            createdAt: store.clock.now(), updatedAt: nil)
        if try await store.all().contains(where: { $0.id == image.id }) { throw Fault.conflict("Image with identifier \(image.id) already exists!") }
        try await store.create(image)
        return ImageViews.glance(image)
    }

}

/// Image views: Glance's own, and the compute proxy's.
public enum ImageViews {
    public static func glance(_ image: Image) -> JSON {
        var view: JSON = [
            "id": .string(image.id), "name": .string(image.name), "status": .string(image.status), "visibility": .string(image.visibility),
            "container_format": .string(image.containerFormat), "disk_format": .string(image.diskFormat), "min_disk": .int(image.minDisk),
            "min_ram": .int(image.minRam), "size": .int(image.size), "virtual_size": nil, "checksum": .string(image.checksum),
            "os_hash_algo": nil, "os_hash_value": nil, "owner": .string(image.owner), "protected": .bool(image.protected),
            "os_hidden": .bool(image.hidden), "tags": [], "created_at": .string(Timestamp.zulu(image.createdAt)),
            "updated_at": .string(Timestamp.zulu(image.updatedAt ?? image.createdAt)), "self": .string("/v2/images/\(image.id)"),
            "file": .string("/v2/images/\(image.id)/file"), "schema": "/v2/schemas/image",
        ]
        for (key, value) in image.properties { view[key] = .string(value) }
        return view
    }
}
