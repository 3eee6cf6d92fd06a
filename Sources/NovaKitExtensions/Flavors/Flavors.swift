import Foundation
import NovaKitAPI

/// `/flavors`: list, detail, show, create, update (2.55) and delete, with Nova's filters and paging.
public struct Flavors: APIExtension {
    public init() {}

    public let descriptor = ExtensionDescriptor(
        name: "Flavors", alias: "flavors", namespace: "http://docs.openstack.org/compute/core/flavors/v1.1",
        updated: "2011-06-01T00:00:00Z", description: "Flavors: sizes of servers (with os-flavor-manage, OS-FLV-EXT-DATA, OS-FLV-DISABLED).")

    static let read = "os_compute_api:flavors"
    static func manage(_ action: String) -> String { "os_compute_api:os-flavor-manage:\(action)" }

    public var policies: [PolicyDefault] {
        [PolicyDefault(Self.read, "@", description: "List and show flavors.")]
            + ["create", "update", "delete"].map { PolicyDefault(Self.manage($0), "rule:context_is_admin", description: "\($0) flavors") }
    }

    public var migrations: [Migration] { [FlavorStore.migration] }

    /// Nova's classic defaults, created by `novakit bootstrap`.
    static let defaults: [(String, String, Int, Int, Int)] = [
        ("1", "m1.tiny", 512, 1, 1), ("2", "m1.small", 2048, 1, 20), ("3", "m1.medium", 4096, 2, 40),
        ("4", "m1.large", 8192, 4, 80), ("5", "m1.xlarge", 16384, 8, 160),
    ]

    public func bootstrap(_ context: BootstrapContext) async throws {
        let store = FlavorStore(database: context.database, clock: context.clock)
        let existing = Set(try await store.all().map(\.flavorID))
        for (id, name, ram, vcpus, disk) in Self.defaults where !existing.contains(id) {
            try await store.create(
                Flavor(
                    flavorID: id, name: name, memoryMB: ram, vcpus: vcpus, rootGB: disk, ephemeralGB: 0, swap: 0, rxtxFactor: 1.0,
                    isPublic: true, disabled: false, description: nil))
        }
    }

    static let positive = Schema(types: [.integer], minimum: 1, maximum: Int(Int32.max))
    static let nonNegative = Schema(types: [.integer], minimum: 0, maximum: Int(Int32.max))
    static let flavorID = Schema(types: [.string, .integer, .null], minLength: 1, maxLength: 255, pattern: "^(?! )[a-zA-Z0-9. _-]+(?<! )$")
    static let baseFields: [String: Schema] = [
        "name": .string(minLength: 1, maxLength: 255, pattern: "^(?! )[^\\n\\r\\t]+(?<! )$"), "id": flavorID, "ram": positive, "vcpus": positive,
        "disk": nonNegative, "OS-FLV-EXT-DATA:ephemeral": nonNegative, "swap": nonNegative, "rxtx_factor": Schema(types: [.number]),
        "os-flavor-access:is_public": .boolean,
    ]
    static let descriptionSchema = Schema.string(maxLength: 65535).nullable
    static func createSchema(withDescription: Bool) -> Schema {
        var fields = baseFields
        if withDescription { fields["description"] = descriptionSchema }
        return .object(["flavor": .object(fields, required: ["name", "ram", "vcpus", "disk"])], required: ["flavor"])
    }

    public var api: [APIDeclaration] {
        Resource("flavors") {
            Index(policy: Self.read) { request in
                let (flavors, limit) = try await Self.listed(request)
                return Reply(Self.list(request, flavors, limit: limit, view: FlavorViews.summary))
            }
            CollectionRoute("detail", policy: Self.read) { request in
                let (flavors, limit) = try await Self.listed(request)
                return Reply(Self.list(request, flavors, limit: limit, view: FlavorViews.detail))
            }
            Show(policy: Self.read) { request in
                let flavor = try await FlavorStore(request).get(
                    request.parameter("id"), visibleTo: request.auth.projectID, isAdmin: request.auth.isAdmin)
                return Reply(["flavor": FlavorViews.detail(flavor, request)])
            }
            Create(Self.createSchema(withDescription: false), versions: .through(54), policy: Self.manage("create"), Self.create)
            Create(Self.createSchema(withDescription: true), versions: .from(55), policy: Self.manage("create"), Self.create)
            Update(
                .object(["flavor": .object(["description": Self.descriptionSchema], required: ["description"])], required: ["flavor"]),
                versions: .from(55),
                policy: Self.manage("update")
            ) { request in
                let store = FlavorStore(request)
                let id = request.parameter("id")
                _ = try await store.get(id, visibleTo: request.auth.projectID, isAdmin: true)
                try await store.setDescription(id, request.body["flavor"]?["description"]?.stringValue)
                return Reply(["flavor": FlavorViews.detail(try await store.get(id, visibleTo: request.auth.projectID, isAdmin: true), request)])
            }
            Delete(policy: Self.manage("delete"), status: .accepted) { request in
                try await FlavorStore(request).delete(request.parameter("id"))
                return .empty
            }
        }
    }

    static let create: Handler = { request in
        let body = request.body["flavor"] ?? [:]
        var id = request.services.ids.uuid()
        switch body["id"] {
        case .string(let text): id = text
        case .int(let number): id = String(number)
        default: break
        }
        let flavor = Flavor(
            flavorID: id, name: body["name"]?.stringValue ?? "", memoryMB: body["ram"]?.intValue ?? 0, vcpus: body["vcpus"]?.intValue ?? 0,
            rootGB: body["disk"]?.intValue ?? 0, ephemeralGB: body["OS-FLV-EXT-DATA:ephemeral"]?.intValue ?? 0, swap: body["swap"]?.intValue ?? 0,
            rxtxFactor: Self.number(body["rxtx_factor"]) ?? 1.0, isPublic: body["os-flavor-access:is_public"] != .bool(false), disabled: false,
            description: body["description"]?.stringValue)
        guard flavor.rxtxFactor > 0 else {
            throw Fault.badRequest("Invalid input for field/attribute rxtx_factor. Value: \(flavor.rxtxFactor). It must be greater than 0")
        }
        let store = FlavorStore(request)
        try await store.create(flavor)
        return Reply(["flavor": FlavorViews.detail(try await store.get(id, visibleTo: request.auth.projectID, isAdmin: true), request)])
    }

    static func number(_ value: JSON?) -> Double? {
        switch value {
        case .int(let number): Double(number)
        case .double(let number): number
        default: nil
        }
    }

    /// The flavors this request may list, filtered and sorted, plus the page size.
    static func listed(_ request: APIRequest) async throws -> ([Flavor], Int) {
        let store = FlavorStore(request)
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
        try sort(&flavors, request)
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
