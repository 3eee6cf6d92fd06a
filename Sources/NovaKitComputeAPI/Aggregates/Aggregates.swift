import Foundation
import HTTPTypes
public import NovaKitAPI
public import NovaKitCompute
public import NovaKitCore
import NovaKitHTTP
import NovaKitImage
public import NovaKitPolicy
public import NovaKitStorage

/// `os-aggregates` (admin): host aggregates — created, renamed, deleted when empty, hosts added and removed,
/// metadata set; an aggregate's `availability_zone` puts its hosts in that zone (listed by
/// os-availability-zone, chosen at server create). 2.41 shows uuids; 2.81 asks hosts to cache images.
public struct Aggregates: APIExtension {
    static let key = ResourceKey<Aggregate>("os-aggregates")

    let store: AggregateStore
    let services: ComputeServiceStore
    let images: ImageStore
    let ids: any IDGenerator

    public init(database: Database, clock: any NovaClock, ids: any IDGenerator, compute: ComputeRuntime) {
        store = AggregateStore(database: database, clock: clock)
        services = compute.services
        images = ImageStore(database: database, clock: clock)
        self.ids = ids
    }

    public let descriptor = ExtensionDescriptor(
        name: "Aggregates", alias: "os-aggregates", namespace: "http://docs.openstack.org/compute/ext/aggregates/api/v1.1",
        updated: "2012-01-12T00:00:00Z", description: "Admin-only host aggregates and the availability zones they define.")

    enum Rules {
        static let index = admin("index", "List aggregates.")
        static let create = admin("create", "Create an aggregate.")
        static let show = admin("show", "Show an aggregate.")
        static let update = admin("update", "Rename an aggregate or change its zone.")
        static let delete = admin("delete", "Delete an aggregate.")
        static let addHost = admin("add_host", "Add a host to an aggregate.")
        static let removeHost = admin("remove_host", "Remove a host from an aggregate.")
        static let setMetadata = admin("set_metadata", "Set an aggregate's metadata.")
        static let images = PolicyDefault(
            "compute:aggregates:images", "rule:admin_api", description: "Ask an aggregate's hosts to cache images (2.81).")

        static func admin(_ name: String, _ description: String) -> PolicyDefault {
            PolicyDefault("os_compute_api:os-aggregates:\(name)", "rule:admin_api", description: description)
        }
    }

    public var policies: [PolicyDefault] {
        [Rules.index, Rules.create, Rules.show, Rules.update, Rules.delete, Rules.addHost, Rules.removeHost, Rules.setMetadata, Rules.images]
    }
    public var migrations: [SchemaMigration] { [AggregateStore.migration] }

    /// The id in the URL: an integer (anything else, or an unknown one, is not found).
    func lookup(_ id: String, _ request: APIRequest) async throws -> Aggregate {
        guard let number = Int(id), let found = try await store.all().first(where: { $0.id == number }) else { throw AggregateNotFound(id: id) }
        return found
    }

    /// `{"aggregate": …}` as the aggregate now stands, the reply of every change.
    func current(_ aggregate: Aggregate, _ request: APIRequest) async throws -> Reply {
        Reply(["aggregate": Self.view(try await lookup(String(aggregate.id), request), request.version)])
    }

    public var api: [APIDeclaration] {
        Resource(Self.key, lookup: .afterPolicy(lookup)) {
            Index(policy: Rules.index) { request in
                Reply(["aggregates": .array(try await store.all().map { Self.view($0, request.version) })])
            }
            Create(body: CreateBody.self, policy: Rules.create) { body, request in
                try await checkNameFree(body.name, except: nil)
                try Self.checkZone(body.zone)
                let created = try await store.create(name: body.name, zone: body.zone, uuid: ids.uuid())
                var view = Self.view(created, request.version)
                view["hosts"] = nil
                view["metadata"] = nil
                return Reply(["aggregate": view])
            }
            Show(policy: Rules.show) { aggregate, request in Reply(["aggregate": Self.view(aggregate, request.version)]) }
            Update(body: UpdateBody.self, policy: Rules.update) { aggregate, body, request in
                if let name = body.name {
                    try await checkNameFree(name, except: aggregate.id)
                    try await store.rename(aggregate.id, to: name)
                }
                if let zone = body.zone {
                    try Self.checkZone(zone)
                    try await checkZoneChange(aggregate, to: zone)
                    try await store.setMetadata(aggregate.id, [Aggregate.zoneKey: zone])
                }
                return try await current(aggregate, request)
            }
            Delete(policy: Rules.delete, status: .ok) { aggregate, _ in
                guard aggregate.hosts.isEmpty else {
                    throw Fault.badRequest("Cannot delete aggregate \(aggregate.id): host aggregate is not empty")
                }
                try await store.delete(aggregate.id)
                return .empty
            }
            Operation(
                .named("images"), method: .post, path: "{id}/images", body: CacheBody.self, versions: .from(81), policy: Rules.images,
                status: .accepted
            ) { _, body, request in
                for id in body.cache.map(\.id) {
                    _ = try await images.get(id, project: request.auth.projectID, isAdmin: true)
                }
                return .empty
            }
        }
        Actions(on: Self.key) {
            Action("add_host", body: HostBody.self, policy: Rules.addHost, status: .ok) { aggregate, body, request in
                guard try await services.computes().contains(where: { $0.host == body.host }) else {
                    throw Fault.notFound("Compute host \(body.host) could not be found.")
                }
                guard !aggregate.hosts.contains(body.host) else {
                    throw Fault.conflict("Aggregate \(aggregate.id) already has host \(body.host).")
                }
                if let zone = aggregate.availabilityZone {
                    let others = try await store.all().filter { $0.id != aggregate.id && $0.hosts.contains(body.host) }
                    if let clash = others.compactMap(\.availabilityZone).first(where: { $0 != zone }) {
                        throw Fault.badRequest(
                            "Cannot add host to aggregate \(aggregate.id). Reason: One or more hosts already in availability zone(s) ['\(clash)'].")
                    }
                }
                try await store.addHost(aggregate.id, body.host)
                return try await current(aggregate, request)
            }
            Action("remove_host", body: HostBody.self, policy: Rules.removeHost, status: .ok) { aggregate, body, request in
                guard aggregate.hosts.contains(body.host) else {
                    throw Fault.notFound("Aggregate \(aggregate.id) has no host \(body.host).")
                }
                try await store.removeHost(aggregate.id, body.host)
                return try await current(aggregate, request)
            }
            Action("set_metadata", body: MetadataBody.self, policy: Rules.setMetadata, status: .ok) { aggregate, body, request in
                if let change = body.metadata[Aggregate.zoneKey] {
                    if let zone = change { try Self.checkZone(zone) }
                    try await checkZoneChange(aggregate, to: change)
                }
                try await store.setMetadata(aggregate.id, body.metadata)
                return try await current(aggregate, request)
            }
        }
    }

    func checkNameFree(_ name: String, except id: Int?) async throws {
        if try await store.all().contains(where: { $0.name == name && $0.id != id }) {
            throw Fault.conflict("Aggregate \(name) already exists.")
        }
    }

    /// The control services' zone is not one an aggregate may take.
    static func checkZone(_ zone: String?) throws {
        if zone == "internal" { throw Fault.badRequest("Aggregates cannot take the internal availability zone.") }
    }

    /// A zone change may not move a host out of a zone some other aggregate of it puts it in.
    func checkZoneChange(_ aggregate: Aggregate, to zone: String?) async throws {
        guard let zone, !aggregate.hosts.isEmpty else { return }
        for other in try await store.all() where other.id != aggregate.id {
            guard let otherZone = other.availabilityZone, otherZone != zone, !Set(other.hosts).isDisjoint(with: aggregate.hosts) else { continue }
            throw Fault.badRequest(
                "Cannot update aggregate \(aggregate.id). Reason: One or more hosts already in availability zone(s) ['\(otherZone)'].")
        }
    }

    /// Nova's aggregate view; `uuid` from 2.41.
    static func view(_ aggregate: Aggregate, _ version: APIVersion) -> JSON {
        var view: JSON = [
            "id": .int(aggregate.id), "name": .string(aggregate.name), "availability_zone": .string(aggregate.availabilityZone),
            "created_at": .string(Timestamp.naive(aggregate.createdAt)), "updated_at": .string(aggregate.updatedAt.map(Timestamp.naive)),
            "deleted_at": nil, "deleted": false, "hosts": .array(aggregate.hosts.map(JSON.string)),
            "metadata": .object(aggregate.metadata.mapValues(JSON.string)),
        ]
        if version >= APIVersion(2, 41) { view["uuid"] = .string(aggregate.uuid) }
        return view
    }

    static let nameSchema = Schema.string(minLength: 1, maxLength: 255)
    static let zoneSchema = Schema.string(minLength: 1, maxLength: 255)

    /// `{"aggregate": {"name", "availability_zone"}}`
    struct CreateBody: RequestBody {
        let name: String
        let zone: String?

        enum Keys: String, CodingKey { case aggregate }
        enum Fields: String, CodingKey {
            case name
            case zone = "availability_zone"
        }

        init(from decoder: any Decoder) throws {
            let fields = try decoder.container(keyedBy: Keys.self).nestedContainer(keyedBy: Fields.self, forKey: .aggregate)
            name = try fields.decode(String.self, forKey: .name).trimmingCharacters(in: .whitespaces)
            zone = try fields.decodeIfPresent(String.self, forKey: .zone)
            guard !name.isEmpty else { throw Fault.badRequest("Aggregate name must not be blank.") }
        }

        static func schema(at version: APIVersion) -> Schema {
            .object(
                ["aggregate": .object(["name": nameSchema, "availability_zone": zoneSchema.nullable], required: ["name"])],
                required: ["aggregate"])
        }
    }

    /// `{"aggregate": {"name"?, "availability_zone"?}}`, at least one.
    struct UpdateBody: RequestBody {
        let name: String?
        let zone: String?

        init(from decoder: any Decoder) throws {
            let fields = try decoder.container(keyedBy: CreateBody.Keys.self).nestedContainer(keyedBy: CreateBody.Fields.self, forKey: .aggregate)
            name = try fields.decodeIfPresent(String.self, forKey: .name)
            zone = try fields.decodeIfPresent(String.self, forKey: .zone)
            guard name != nil || zone != nil else { throw Fault.badRequest("An aggregate update needs a name or an availability_zone.") }
        }

        static func schema(at version: APIVersion) -> Schema {
            .object(["aggregate": .object(["name": nameSchema, "availability_zone": zoneSchema.nullable])], required: ["aggregate"])
        }
    }

    /// `{"add_host" | "remove_host": {"host": …}}`
    struct HostBody: RequestBody {
        let host: String

        static func schema(at version: APIVersion) -> Schema { .object(["host": .string(minLength: 1, maxLength: 255)], required: ["host"]) }
    }

    /// `{"set_metadata": {"metadata": {key: value or null}}}`
    struct MetadataBody: RequestBody {
        let metadata: [String: String?]

        static func schema(at version: APIVersion) -> Schema {
            .object(
                ["metadata": Schema(types: [.object], additionalProperties: true)], required: ["metadata"])
        }

        enum CodingKeys: String, CodingKey { case metadata }

        init(from decoder: any Decoder) throws {
            let given = try decoder.container(keyedBy: CodingKeys.self).decode([String: JSON].self, forKey: .metadata)
            var metadata: [String: String?] = [:]
            for (key, value) in given {
                guard (1...255).contains(key.count) else { throw Fault.badRequest("Metadata keys must be 1 to 255 characters.") }
                switch value {
                case .null: metadata[key] = .some(nil)
                case .string(let text) where text.count <= 255: metadata[key] = text
                default: throw Fault.badRequest("Invalid input for field/attribute \(key): a string of at most 255 characters or null.")
                }
            }
            self.metadata = metadata
        }
    }

    /// `{"cache": [{"id": image}, …]}` (2.81)
    struct CacheBody: RequestBody {
        struct Entry: Decodable, Sendable { let id: String }
        let cache: [Entry]

        static func schema(at version: APIVersion) -> Schema {
            .object(["cache": .array(.object(["id": .string(minLength: 1)], required: ["id"]), minItems: 1)], required: ["cache"])
        }
    }
}
