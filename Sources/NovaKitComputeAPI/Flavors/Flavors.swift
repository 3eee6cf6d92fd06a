import Foundation
import HTTPTypes
public import NovaKitAPI
public import NovaKitCore
import NovaKitHTTP
public import NovaKitPolicy
public import NovaKitStorage
import SQLKit

/// `/flavors`: list, detail, show, create, update (2.55) and delete, with Nova's filters and paging.
public struct Flavors: APIExtension {
    public static let key = ResourceKey<Flavor>("flavors")

    let store: FlavorStore
    let ids: any IDGenerator

    public init(database: Database, clock: any NovaClock, ids: any IDGenerator) {
        store = FlavorStore(database: database, clock: clock)
        self.ids = ids
    }

    public let descriptor = ExtensionDescriptor(
        name: "Flavors", alias: "flavors", namespace: "http://docs.openstack.org/compute/core/flavors/v1.1",
        updated: "2011-06-01T00:00:00Z", description: "Flavors: sizes of servers (with os-flavor-manage, OS-FLV-EXT-DATA, OS-FLV-DISABLED).")

    enum Rules {
        static let read = PolicyDefault("os_compute_api:flavors", "@", description: "List and show flavors.")
        static let create = manage("create")
        static let update = manage("update")
        static let delete = manage("delete")

        static func manage(_ action: String) -> PolicyDefault {
            PolicyDefault("os_compute_api:os-flavor-manage:\(action)", "rule:context_is_admin", description: "\(action) flavors")
        }
    }

    public var policies: [PolicyDefault] { [Rules.read, Rules.create, Rules.update, Rules.delete] }

    public var migrations: [SchemaMigration] { [FlavorStore.migration] }

    /// Nova's classic defaults, created by `novakit bootstrap`.
    static let defaults: [(String, String, Int, Int, Int)] = [
        ("1", "m1.tiny", 512, 1, 1), ("2", "m1.small", 2048, 1, 20), ("3", "m1.medium", 4096, 2, 40),
        ("4", "m1.large", 8192, 4, 80), ("5", "m1.xlarge", 16384, 8, 160),
    ]

    public func bootstrap(_ context: BootstrapContext) async throws {
        let existing = Set(try await store.all().map(\.flavorID))
        for (id, name, ram, vcpus, disk) in Self.defaults where !existing.contains(id) {
            try await store.create(
                Flavor(
                    flavorID: id, name: name, memoryMB: ram, vcpus: vcpus, rootGB: disk, ephemeralGB: 0, swap: 0, rxtxFactor: 1.0,
                    isPublic: true, disabled: false, description: nil))
        }
    }

    /// The flavor `id` as the caller may see it (private flavors only with access, or as admin).
    var lookup: MemberLookup<Flavor> {
        .afterPolicy { [store] id, request in try await store.get(id, visibleTo: request.auth.projectID, isAdmin: request.auth.isAdmin) }
    }

    public var api: [APIDeclaration] {
        Resource(Self.key, lookup: lookup) {
            Index(policy: Rules.read) { request in
                let (flavors, limit) = try await listed(request)
                return Reply(Self.list(request, flavors, limit: limit, view: FlavorViews.summary))
            }
            CollectionRoute("detail", policy: Rules.read) { request in
                let (flavors, limit) = try await listed(request)
                return Reply(Self.list(request, flavors, limit: limit, view: FlavorViews.detail))
            }
            Show(policy: Rules.read) { flavor, request in Reply(["flavor": FlavorViews.detail(flavor, request)]) }
            Create(body: FlavorCreateBody.self, policy: Rules.create) { body, request in
                let flavor = try body.flavor(defaultID: ids.uuid())
                try await store.create(flavor)
                return Reply(["flavor": FlavorViews.detail(try await store.get(flavor.flavorID, visibleTo: "", isAdmin: true), request)])
            }
            Update(body: FlavorUpdateBody.self, versions: .from(55), policy: Rules.update) { flavor, body, request in
                try await store.setDescription(flavor.flavorID, body.flavor.description)
                return Reply(["flavor": FlavorViews.detail(try await store.get(flavor.flavorID, visibleTo: "", isAdmin: true), request)])
            }
            Delete(policy: Rules.delete, status: .accepted) { flavor, _ in
                try await store.delete(flavor.flavorID)
                return .empty
            }
        }
    }

    /// The flavors this request may list, filtered and sorted, plus the page size.
    func listed(_ request: APIRequest) async throws -> ([Flavor], Int) {
        let access = try await store.accessible(to: request.auth.projectID)
        var publicFilter: Bool? = true
        if request.auth.isAdmin, let text = request.queryValue("is_public")?.lowercased() {
            publicFilter = ["none", "all"].contains(text) ? nil : try request.queryBool("is_public")
        }
        let minRam = try request.queryInt("minRam") ?? 0
        let minDisk = try request.queryInt("minDisk") ?? 0
        let name = request.version >= APIVersion(2, 102) ? request.queryValue("name") : nil
        var flavors = try await store.all().filter { flavor in
            let visible: Bool =
                switch publicFilter {
                case nil: true
                case true?: flavor.isPublic || access.contains(flavor.flavorID)
                case false?: !flavor.isPublic
                }
            return visible && flavor.memoryMB >= minRam && flavor.rootGB >= minDisk && (name == nil || flavor.name == name)
        }
        try Self.sort(&flavors, request)
        let (limit, marker) = try request.pagination()
        return (try request.page(flavors, limit: limit, marker: marker, key: \.flavorID), limit)
    }

    static func sort(_ flavors: inout [Flavor], _ request: APIRequest) throws {
        let key = request.queryValue("sort_key") ?? "flavorid"
        let descending = (request.queryValue("sort_dir") ?? "asc").lowercased() == "desc"
        guard ["asc", "desc"].contains((request.queryValue("sort_dir") ?? "asc").lowercased()) else {
            throw Fault.badRequest(
                "Invalid input for query parameters sort_dir. Value: \(request.queryValue("sort_dir") ?? ""). It must be asc or desc")
        }
        let keys: [String: (Flavor, Flavor) -> Bool] = [
            "flavorid": { $0.flavorID < $1.flavorID }, "id": { $0.flavorID < $1.flavorID }, "name": { $0.name < $1.name },
            "memory_mb": { $0.memoryMB < $1.memoryMB }, "vcpus": { $0.vcpus < $1.vcpus }, "root_gb": { $0.rootGB < $1.rootGB },
            "ephemeral_gb": { $0.ephemeralGB < $1.ephemeralGB }, "swap": { $0.swap < $1.swap }, "rxtx_factor": { $0.rxtxFactor < $1.rxtxFactor },
            "is_public": { !$0.isPublic && $1.isPublic }, "disabled": { !$0.disabled && $1.disabled },
        ]
        guard let less = keys[key] else { throw Fault.badRequest("Invalid input for query parameters sort_key. Value: \(key).") }
        flavors.sort { descending ? less($1, $0) : less($0, $1) }
    }

    static func list(_ request: APIRequest, _ flavors: [Flavor], limit: Int, view: (Flavor, APIRequest) -> JSON) -> JSON {
        var body: JSON = ["flavors": .array(flavors.map { view($0, request) })]
        body["flavors_links"] = request.nextLinks("flavors", page: flavors.count, limit: limit, lastMarker: flavors.last?.flavorID)
        return body
    }
}

/// Nova's flavor views for the request's microversion.
enum FlavorViews {
    static func summary(_ flavor: Flavor, _ request: APIRequest) -> JSON {
        var view: JSON = ["id": .string(flavor.flavorID), "name": .string(flavor.name), "links": request.links("flavors", flavor.flavorID)]
        if request.version >= APIVersion(2, 55) { view["description"] = .string(flavor.description) }
        return view
    }

    static func detail(_ flavor: Flavor, _ request: APIRequest) -> JSON {
        var view = summary(flavor, request)
        view["ram"] = .int(flavor.memoryMB)
        view["vcpus"] = .int(flavor.vcpus)
        view["disk"] = .int(flavor.rootGB)
        view["swap"] = flavor.swap == 0 && request.version < APIVersion(2, 75) ? "" : .int(flavor.swap)
        view["rxtx_factor"] = .double(flavor.rxtxFactor)
        view["OS-FLV-EXT-DATA:ephemeral"] = .int(flavor.ephemeralGB)
        view["OS-FLV-DISABLED:disabled"] = .bool(flavor.disabled)
        view["os-flavor-access:is_public"] = .bool(flavor.isPublic)
        return view
    }
}
