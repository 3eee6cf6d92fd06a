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
    let data: ImageDataStore
    let authenticator: any Authenticator
    let ids: any IDGenerator

    public init(store: ImageStore, data: ImageDataStore, authenticator: any Authenticator, ids: any IDGenerator) {
        self.store = store
        self.data = data
        self.authenticator = authenticator
        self.ids = ids
    }

    public func handle(_ request: Request, trace: inout RequestTrace) async throws -> Response {
        let base = "http://" + (request.head.authority ?? "127.0.0.1:9292")
        let path = request.uri.path
        if path == "/" || path == "/versions" {
            let versions: JSON = ["versions": [["id": "v2.16", "status": "CURRENT", "links": [["rel": "self", "href": .string("\(base)/v2/")]]]]]
            return .json(versions, status: path == "/" ? .multipleChoices : .ok)
        }
        if path == "/openapi.json" && request.method == .get {
            trace.route = path
            return .json(Self.openAPIDocument(baseURL: base), status: .ok)
        }
        let segments = path.split(separator: "/")
        let candidates = Self.routes.compactMap { route in route.pattern.match(segments).map { (route, $0) } }
        guard !candidates.isEmpty else { throw Fault.notFound("The resource could not be found.") }
        guard
            let (route, parameters) = candidates.filter({ $0.0.method == request.method })
                .max(by: { $0.0.pattern.specificity < $1.0.pattern.specificity })
        else {
            throw Fault(code: 405, message: "The method is not allowed for this resource.")
        }
        trace.route = "/" + route.pattern.description
        let auth = try await authenticator.authenticate(token: request.headers[.authToken])
        try auth.refuseSystemScopedChange(method: request.method.rawValue)
        try auth.checkAccessRules(service: "image", method: request.method.rawValue, path: request.uri.path)
        var body = JSON.null
        if let schema = route.body {
            body = try await route.bodyReader.read(request)
            do { body = try schema.validate(body) } catch { throw Fault.badRequest(error.message) }
        }
        return try await route.handler(self, ImageRequest(http: request, auth: auth, parameters: parameters, body: body, base: base))
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

    /// The Glance v2 routes NovaKit serves, with the bodies they validate.
    static let routes: [ImageRoute] =
        [
            ImageRoute(.get, "v2/images", success: [200]) { listener, request in try await listener.list(request.query, request.auth) },
            ImageRoute(.post, "v2/images", body: createSchema, success: [201]) { listener, request in
                .json(try await listener.create(request.body, request.auth), status: .created)
            },
            ImageRoute(.get, "v2/images/{image_id}", success: [200]) { listener, request in
                .json(
                    ImageViews.glance(try await listener.store.get(request.id, project: request.auth.projectID, isAdmin: request.auth.isAdmin)),
                    status: .ok)
            },
            ImageRoute(.delete, "v2/images/{image_id}", success: [204]) { listener, request in
                try await listener.store.delete(request.id, project: request.auth.projectID, isAdmin: request.auth.isAdmin)
                listener.data.delete(request.id)
                return Response(status: .noContent)
            },
            ImageRoute(.put, "v2/images/{image_id}/file", success: [204]) { listener, request in
                try await listener.upload(request.id, request.http, request.auth)
                return Response(status: .noContent)
            },
            ImageRoute(.get, "v2/images/{image_id}/file", success: [200, 204]) { listener, request in
                try await listener.download(request.id, request.auth)
            },
            ImageRoute(.patch, "v2/images/{image_id}", body: ImagePatch.schema, mediaTypes: ImagePatch.mediaTypes, success: [200]) {
                listener, request in
                .json(ImageViews.glance(try await listener.patch(request.id, request.body, request.auth)), status: .ok)
            },
            ImageRoute(.put, "v2/images/{image_id}/tags/{tag}", success: [204]) { listener, request in
                try await listener.changeTag(request.id, request.parameter("tag"), add: true, request.auth)
                return Response(status: .noContent)
            },
            ImageRoute(.delete, "v2/images/{image_id}/tags/{tag}", success: [204]) { listener, request in
                try await listener.changeTag(request.id, request.parameter("tag"), add: false, request.auth)
                return Response(status: .noContent)
            },
            // Image tasks (Glance 2.12): NovaKit runs no asynchronous import or location tasks.
            ImageRoute(.get, "v2/images/{image_id}/tasks", success: [200]) { listener, request in
                _ = try await listener.store.get(request.id, project: request.auth.projectID, isAdmin: request.auth.isAdmin)
                return .json(["tasks": []], status: .ok)
            },
        ] + memberRoutes + ImageSchemas.routes + MetadefSchemas.routes + MetadefRoutes.routes

    /// Glance's image-create body: the fields a client may set, typed as the image schema types them; any
    /// other key is an additional property, which must be a string.
    static let createSchema = ImageSchemas.createBody

    /// The listener's OpenAPI document, as `GET /openapi.json` serves it.
    public static func openAPIDocument(baseURL: String) -> JSON {
        ListenerOpenAPI.document(
            title: "NovaKit Image API (Glance v2 subset)", version: "2.16", baseURL: baseURL,
            routes: routes.map {
                DeclaredRoute(
                    method: $0.method, pattern: $0.pattern, body: $0.body, success: $0.success, mediaType: $0.mediaTypes?.first ?? "application/json")
            },
            errorSchema: [
                "type": "object", "required": ["code", "title", "message"],
                "properties": ["code": ["type": "integer"], "title": ["type": "string"], "message": ["type": "string"]],
            ],
            errors: [
                ("400", "Bad request."), ("401", "No valid token."), ("403", "Not allowed."), ("404", "No such image."),
                ("405", "The method is not allowed here."), ("409", "The image's state does not allow it."), ("413", "Too large."),
                ("415", "Unsupported content type."), ("4XX", "Another client error."),
            ])
    }

    /// `PUT /v2/images/{id}/file`: the owner (or an admin) streams the data of a queued image; it becomes
    /// `active` with its size and checksums. An image that already has data is a 409.
    func upload(_ id: String, _ request: Request, _ auth: AuthContext) async throws {
        let image = try await store.get(id, project: auth.projectID, isAdmin: auth.isAdmin)
        guard auth.isAdmin || image.owner == auth.projectID else { throw Fault.forbidden("You are not permitted to upload data to this image.") }
        let contentType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
        guard contentType == nil || contentType == "application/octet-stream" else {
            throw Fault(code: 415, message: "Content type \(contentType ?? "") is not supported for image data; use application/octet-stream.")
        }
        guard try await store.transition(id, from: "queued", to: "saving") else {
            throw Fault.conflict("Image status transition from \(image.status) to saving is not allowed")
        }
        do {
            let written = try await data.write(id, chunks: request.body.map { Array(buffer: $0) })
            try await store.recordUpload(id, size: written.size, checksum: written.checksum, osHashValue: written.osHashValue)
        } catch {
            data.delete(id)
            _ = try? await store.transition(id, from: "saving", to: "queued")
            throw error
        }
    }

    /// `GET /v2/images/{id}/file`: the data with its MD5 as `Content-MD5`; 204 when nothing was uploaded.
    func download(_ id: String, _ auth: AuthContext) async throws -> Response {
        let image = try await store.get(id, project: auth.projectID, isAdmin: auth.isAdmin)
        guard let bytes = try data.read(id) else { return Response(status: .noContent) }
        var headers: HTTPFields = [.contentType: "application/octet-stream"]
        if let checksum = image.checksum, let md5 = HTTPField.Name("Content-MD5") { headers[md5] = checksum }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func list(_ query: [String: String], _ auth: AuthContext) async throws -> Response {
        let visibility = query["visibility"]
        if let visibility, !["public", "private", "shared", "community", "all"].contains(visibility) {
            throw Fault.badRequest("Invalid visibility value: \(visibility)")
        }
        let memberStatus = query["member_status"] ?? "accepted"
        guard (ImageMember.statuses + ["all"]).contains(memberStatus) else { throw Fault.badRequest("Invalid status value: \(memberStatus)") }
        let filters = query.filter { !Self.controlParameters.contains($0.key) }
        let memberships = try await store.members.memberships(of: auth.projectID)
        var images = try await store.all().filter { image in
            guard
                image.listed(
                    to: auth.projectID, isAdmin: auth.isAdmin, membership: memberships[image.id], visibility: visibility, memberStatus: memberStatus)
            else { return false }
            // `tag` (repeatable in Glance; one here) matches a tag; every other parameter a field or, as Glance
            // flattens them, an additional property.
            return filters.allSatisfy { key, value in key == "tag" ? image.tags.contains(value) : image.field(key) == value }
        }
        // Each image's sort values are rendered once, not at every comparison.
        let order = try Self.sortOrder(query)
        images = images.map { image in (image, order.map { image.sortValue($0.key) }) }
            .sorted { left, right in
                for (index, (_, ascending)) in order.enumerated() where left.1[index] != right.1[index] {
                    return ascending ? left.1[index] < right.1[index] : left.1[index] > right.1[index]
                }
                return false
            }
            .map(\.0)
        let page = try ListPage(images, query, base: "/v2/images", key: \.id)
        var body: JSON = ["first": "/v2/images", "schema": "/v2/schemas/images", "images": .array(page.items.map(ImageViews.glance))]
        if let next = page.next { body["next"] = .string(next) }
        return .json(body, status: .ok)
    }

    /// Query parameters that page, sort or scope the list rather than filter on a field.
    static let controlParameters: Set<String> = ["limit", "marker", "sort_key", "sort_dir", "sort", "visibility", "member_status"]
    static let sortKeys: Set<String> = [
        "created_at", "updated_at", "name", "id", "status", "size", "min_disk", "min_ram", "disk_format", "container_format", "owner",
        "visibility",
    ]

    /// `sort=key:dir,…` or `sort_key`/`sort_dir` (each possibly repeated with commas); newest first by default.
    static func sortOrder(_ query: [String: String]) throws -> [(key: String, ascending: Bool)] {
        var order: [(key: String, ascending: Bool)] = []
        if let sort = query["sort"] {
            for part in sort.split(separator: ",") {
                let pieces = part.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
                guard (1...2).contains(pieces.count), sortKeys.contains(pieces[0]), pieces.count == 1 || ["asc", "desc"].contains(pieces[1])
                else { throw Fault.badRequest("Invalid sort key or direction: \(part)") }
                order.append((pieces[0], pieces.count == 2 && pieces[1] == "asc"))
            }
        } else {
            let keys = (query["sort_key"] ?? "created_at").split(separator: ",").map(String.init)
            let directions = (query["sort_dir"] ?? "desc").split(separator: ",").map(String.init)
            for (index, key) in keys.enumerated() {
                let direction = directions.indices.contains(index) ? directions[index] : directions.last ?? "desc"
                guard sortKeys.contains(key) else {
                    throw Fault.badRequest(
                        "Invalid sort key: \(key). It should be one of the following: \(sortKeys.sorted().joined(separator: ", ")).")
                }
                guard ["asc", "desc"].contains(direction) else { throw Fault.badRequest("Invalid sort direction: \(direction)") }
                order.append((key, direction == "asc"))
            }
        }
        if !order.contains(where: { $0.key == "created_at" }) { order.append(("created_at", false)) }
        if !order.contains(where: { $0.key == "id" }) { order.append(("id", false)) }
        return order
    }

    func create(_ body: JSON, _ auth: AuthContext) async throws -> JSON {
        guard case .object(let fields) = body else { throw Fault.badRequest("Malformed request body") }
        // The service's own fields are not taken from clients (403, as Glance); other keys are properties.
        for key in fields.keys {
            if ImagePatch.reserved.contains(key) { throw Fault.forbidden("Attribute '\(key)' is reserved.") }
            if ImageSchemas.fields[key]?.readOnly == true { throw Fault.forbidden("Attribute '\(key)' is read-only.") }
        }
        let owner = fields["owner"].map { $0.stringValue } ?? auth.projectID
        guard owner == auth.projectID || auth.isAdmin else {
            throw Fault.forbidden("You are not permitted to create images owned by '\(owner ?? "")'.")
        }
        let visibility = fields["visibility"]?.stringValue ?? "shared"
        guard ["public", "private", "shared", "community"].contains(visibility) else {
            throw Fault.badRequest("Invalid visibility value: \(visibility)")
        }
        guard visibility != "public" || auth.isAdmin else { throw Fault.forbidden("You are not authorized to publicize images.") }
        var properties: [String: String] = [:]
        for (key, value) in fields where ImageSchemas.fields[key] == nil {
            guard let text = value.stringValue else { throw Fault.badRequest("Property \(key) must be a string.") }
            properties[key] = text
        }
        var image = Image(
            id: fields["id"]?.stringValue ?? ids.uuid(), name: fields["name"]?.stringValue, status: "queued", visibility: visibility,
            containerFormat: fields["container_format"]?.stringValue, diskFormat: fields["disk_format"]?.stringValue,
            minDisk: fields["min_disk"]?.intValue ?? 0, minRam: fields["min_ram"]?.intValue ?? 0, size: nil, checksum: nil, owner: owner,
            protected: fields["protected"] == .bool(true), hidden: fields["os_hidden"] == .bool(true), properties: properties,
            createdAt: store.clock.now(), updatedAt: nil)
        image.tags = ImagePatch.unique(fields["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [])
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
            "os_hash_algo": image.osHashValue == nil ? nil : "sha512", "os_hash_value": .string(image.osHashValue), "owner": .string(image.owner),
            "protected": .bool(image.protected),
            "os_hidden": .bool(image.hidden), "tags": .array(image.tags.map(JSON.string)), "created_at": .string(Timestamp.zulu(image.createdAt)),
            "updated_at": .string(Timestamp.zulu(image.updatedAt ?? image.createdAt)), "self": .string("/v2/images/\(image.id)"),
            "file": .string("/v2/images/\(image.id)/file"), "schema": "/v2/schemas/image",
        ]
        for (key, value) in image.properties { view[key] = .string(value) }
        return view
    }
}
