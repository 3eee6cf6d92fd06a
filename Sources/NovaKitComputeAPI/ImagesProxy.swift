public import NovaKitAPI
public import NovaKitCore
import NovaKitHTTP
public import NovaKitImage
public import NovaKitPolicy
public import NovaKitStorage
import SQLKit

/// The compute API's `/images` proxy (2.1–2.35; 404 from 2.36 as in Nova) over the image catalog.
public struct ImagesProxy: APIExtension {
    public static let key = ResourceKey<Image>("images")

    let store: ImageStore

    public init(database: Database, clock: any NovaClock) {
        store = ImageStore(database: database, clock: clock)
    }

    public let descriptor = ExtensionDescriptor(
        name: "Images", alias: "images", namespace: "http://docs.openstack.org/compute/core/images/v1.1",
        updated: "2011-01-21T11:33:21Z", description: "Image proxy to the image service (removed in 2.36).")

    public static let rule = PolicyDefault("os_compute_api:images", "@", description: "Image proxy calls.")
    public var policies: [PolicyDefault] { [Self.rule] }
    public var migrations: [SchemaMigration] { ImageStore.migrations }

    public func bootstrap(_ context: BootstrapContext) async throws {
        try await store.seedCirros(id: context.ids.uuid())
    }

    public var api: [APIDeclaration] {
        Resource(
            Self.key,
            lookup: .afterPolicy { [store] id, request in try await store.get(id, project: request.auth.projectID, isAdmin: request.auth.isAdmin) }
        ) {
            Index(versions: .through(35), policy: Self.rule) { request in try await list(request, detail: false) }
            CollectionRoute("detail", versions: .through(35), policy: Self.rule) { request in try await list(request, detail: true) }
            Show(versions: .through(35), policy: Self.rule) { image, request in Reply(["image": Self.detail(image, request)]) }
            Delete(versions: .through(35), policy: Self.rule) { image, request in
                try await store.delete(image.id, project: request.auth.projectID, isAdmin: request.auth.isAdmin)
                return .empty
            }
        }
    }

    func list(_ request: APIRequest, detail: Bool) async throws -> Reply {
        let memberships = try await store.members.memberships(of: request.auth.projectID)
        var images = try await store.all().filter {
            $0.listed(to: request.auth.projectID, isAdmin: request.auth.isAdmin, membership: memberships[$0.id])
        }
        if let name = request.queryValue("name") { images = images.filter { $0.name == name } }
        if let status = request.queryValue("status") { images = images.filter { Self.statusName($0.status) == status.uppercased() } }
        // `server` (an id or a server URL) and `type` (snapshot, backup) filter on the properties a snapshot carries.
        if let server = request.queryValue("server") {
            let id = server.split(separator: "/").last.map(String.init) ?? server
            images = images.filter { $0.properties["instance_uuid"] == id }
        }
        if let type = request.queryValue("type") { images = images.filter { $0.properties["image_type"] == type } }
        if let since = request.queryValue("changes-since") {
            guard let date = Timestamp.parse(since) else { throw Fault.badRequest("Invalid changes-since value") }
            images = images.filter { ($0.updatedAt ?? $0.createdAt) >= date }
        }
        if let minDisk = try request.queryInt("minDisk") { images = images.filter { $0.minDisk >= minDisk } }
        if let minRam = try request.queryInt("minRam") { images = images.filter { $0.minRam >= minRam } }
        let (limit, marker) = try request.pagination()
        images = try request.page(images, limit: limit, marker: marker, key: \.id)
        var body: JSON = ["images": .array(images.map { detail ? Self.detail($0, request) : Self.summary($0, request) })]
        body["images_links"] = request.nextLinks("images", page: images.count, limit: limit, lastMarker: images.last?.id)
        return Reply(body)
    }

    static func summary(_ image: Image, _ request: APIRequest) -> JSON {
        guard case .array(var links) = request.links("images", image.id) else { return [:] }
        links.append(["rel": "alternate", "type": "application/vnd.openstack.image", "href": .string("\(request.baseURL)/images/\(image.id)")])
        return ["id": .string(image.id), "name": .string(image.name), "links": .array(links)]
    }

    static func detail(_ image: Image, _ request: APIRequest) -> JSON {
        var view = summary(image, request)
        let status = statusName(image.status)
        view["status"] = .string(status)
        view["progress"] = .int(status == "ACTIVE" ? 100 : status == "SAVING" ? 25 : 0)
        view["minDisk"] = .int(image.minDisk)
        view["minRam"] = .int(image.minRam)
        view["created"] = .string(Timestamp.zulu(image.createdAt))
        view["updated"] = .string(Timestamp.zulu(image.updatedAt ?? image.createdAt))
        view["metadata"] = .object(image.properties.mapValues(JSON.string))
        view["OS-EXT-IMG-SIZE:size"] = .int(image.size ?? 0)
        return view
    }

    /// Glance status → the compute API's.
    static func statusName(_ status: String) -> String {
        switch status {
        case "active": "ACTIVE"
        case "queued", "saving", "importing", "uploading": "SAVING"
        case "deleted", "pending_delete": "DELETED"
        case "killed": "ERROR"
        default: "UNKNOWN"
        }
    }
}
