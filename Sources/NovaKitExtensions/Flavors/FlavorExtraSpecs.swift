import NovaKitAPI

/// `os-flavor-extra-specs`: key/value specs of a flavor, nested under it, and (2.61) in flavor views.
public struct FlavorExtraSpecs: APIExtension {
    public init() {}

    public let descriptor = ExtensionDescriptor(
        name: "FlavorExtraSpecs", alias: "os-flavor-extra-specs", namespace: "http://docs.openstack.org/compute/ext/flavor_extra_specs/api/v1.1",
        updated: "2011-06-23T00:00:00Z", description: "Flavors extra specs support.")

    static func rule(_ action: String) -> String { "os_compute_api:os-flavor-extra-specs:\(action)" }

    public var policies: [PolicyDefault] {
        ["index", "show"].map { PolicyDefault(Self.rule($0), "rule:project_reader_or_admin") }
            + ["create", "update", "delete"].map { PolicyDefault(Self.rule($0), "rule:context_is_admin") }
    }

    static let key = "^[a-zA-Z0-9-_:. ]{1,255}$"
    static let value = Schema(types: [.string, .integer, .number, .boolean], maxLength: 255)
    static let specs = Schema(types: [.object], additionalProperties: true)

    public var api: [APIDeclaration] {
        Resource("os-extra_specs", parent: .init("flavors", parameter: "flavor_id")) {
            Index(policy: Self.rule("index")) { request in
                let flavor = try await Self.flavor(request)
                return Reply(["extra_specs": .object(try await FlavorStore(request).specs(of: flavor.flavorID).mapValues(JSON.string))])
            }
            Create(.object(["extra_specs": Self.specs], required: ["extra_specs"]), policy: Self.rule("create")) { request in
                let flavor = try await Self.flavor(request)
                let specs = try Self.validated(request.body["extra_specs"]?.objectValue ?? [:])
                try await FlavorStore(request).setSpecs(flavor.flavorID, specs)
                return Reply(["extra_specs": .object(specs.mapValues(JSON.string))])
            }
            Show(policy: Self.rule("show")) { request in
                let flavor = try await Self.flavor(request)
                let key = request.parameter("id")
                guard let value = try await FlavorStore(request).specs(of: flavor.flavorID)[key] else {
                    throw Fault.notFound("Flavor \(flavor.flavorID) has no extra specs with key \(key).")
                }
                return Reply([key: .string(value)])
            }
            Update(Self.specs, policy: Self.rule("update")) { request in
                let flavor = try await Self.flavor(request)
                let key = request.parameter("id")
                guard let members = request.body.objectValue, members.count == 1, members[key] != nil else {
                    throw Fault.badRequest("Request body and URI mismatch")
                }
                let specs = try Self.validated(members)
                try await FlavorStore(request).setSpecs(flavor.flavorID, specs)
                return Reply(.object(specs.mapValues(JSON.string)))
            }
            Delete(policy: Self.rule("delete"), status: .ok) { request in
                let flavor = try await Self.flavor(request)
                let key = request.parameter("id")
                guard try await FlavorStore(request).removeSpec(flavor.flavorID, key) else {
                    throw Fault.notFound("Flavor \(flavor.flavorID) has no extra specs with key \(key).")
                }
                return .empty
            }
        }
        Extend("flavors", ["show", "detail", "create", "update"], versions: .from(61)) { request, body in
            guard request.services.policy.allows(Self.rule("index"), credentials: request.auth.credentials, target: request.auth.ownTarget) else {
                return
            }
            let store = FlavorStore(request)
            if case .array(var flavors) = body["flavors"] {
                for index in flavors.indices {
                    let id = flavors[index]["id"]?.stringValue ?? ""
                    flavors[index]["extra_specs"] = .object(try await store.specs(of: id).mapValues(JSON.string))
                }
                body["flavors"] = .array(flavors)
            } else if let id = body["flavor"]?["id"]?.stringValue {
                body["flavor"]?["extra_specs"] = .object(try await store.specs(of: id).mapValues(JSON.string))
            }
        }
    }

    static func flavor(_ request: APIRequest) async throws -> Flavor {
        try await FlavorStore(request).get(request.parameter("flavor_id"), visibleTo: request.auth.projectID, isAdmin: request.auth.isAdmin)
    }

    /// Keys and values as Nova checks them; values are stored as strings.
    static func validated(_ specs: [String: JSON]) throws -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in specs {
            guard key.range(of: Self.key, options: .regularExpression) != nil else {
                throw Fault.badRequest("Invalid input for field/attribute extra_specs. Value: \(key). '\(key)' does not match '\(Self.key)'")
            }
            try Self.value.validate(value)
            result[key] = value.pythonStr == "True" ? "True" : value.pythonStr == "False" ? "False" : value.pythonStr
        }
        return result
    }
}

extension FlavorStore {
    func specs(of id: String) async throws -> [String: String] {
        try await database.withConnection { sql in
            let rows = try await sql.select().columns("key", "value").from("flavor_extra_specs").where("flavor_id", .equal, SQLBind(id))
                .readDeleted(.no).all()
            return Dictionary(try rows.map { (try $0.decode(column: "key", as: String.self), try $0.decode(column: "value", as: String.self)) }) {
                $1
            }
        }
    }

    /// Creates or replaces the given keys.
    func setSpecs(_ id: String, _ specs: [String: String]) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            for (key, value) in specs.sorted(by: { $0.key < $1.key }) {
                try await sql.setLive(in: "flavor_extra_specs", matching: [("flavor_id", id), ("key", key)], values: [("value", value)], at: now)
            }
        }
    }

    func removeSpec(_ id: String, _ key: String) async throws -> Bool {
        let now = clock.now()
        return try await database.withConnection { sql in
            try await sql.softDelete(from: "flavor_extra_specs", matching: [("flavor_id", id), ("key", key)], at: now) > 0
        }
    }
}
