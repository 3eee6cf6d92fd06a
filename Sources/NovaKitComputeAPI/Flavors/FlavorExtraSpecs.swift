import Foundation
import FoundationEssentials
import HTTPTypes
public import NovaKitAPI
public import NovaKitCore
public import NovaKitPolicy
public import NovaKitStorage
import SQLKit

/// `os-flavor-extra-specs`: key/value specs of a flavor, nested under it, and (2.61) in flavor views.
public struct FlavorExtraSpecs: APIExtension {
    public static let key = ResourceKey<Flavor>("os-extra_specs", under: Flavors.key, parameter: "flavor_id")

    let store: FlavorStore

    public init(database: Database, clock: any NovaClock) {
        store = FlavorStore(database: database, clock: clock)
    }

    public let descriptor = ExtensionDescriptor(
        name: "FlavorExtraSpecs", alias: "os-flavor-extra-specs", namespace: "http://docs.openstack.org/compute/ext/flavor_extra_specs/api/v1.1",
        updated: "2011-06-23T00:00:00Z", description: "Flavors extra specs support.")

    enum Rules {
        static let index = PolicyDefault("os_compute_api:os-flavor-extra-specs:index", "rule:project_reader_or_admin")
        static let show = PolicyDefault("os_compute_api:os-flavor-extra-specs:show", "rule:project_reader_or_admin")
        static let create = PolicyDefault("os_compute_api:os-flavor-extra-specs:create", "rule:context_is_admin")
        static let update = PolicyDefault("os_compute_api:os-flavor-extra-specs:update", "rule:context_is_admin")
        static let delete = PolicyDefault("os_compute_api:os-flavor-extra-specs:delete", "rule:context_is_admin")
    }

    public var policies: [PolicyDefault] { [Rules.index, Rules.show, Rules.create, Rules.update, Rules.delete] }

    static let keyPattern = "^[a-zA-Z0-9-_:. ]{1,255}$"
    static let value = Schema(types: [.string, .integer, .number, .boolean], maxLength: 255)
    static let specs = Schema(types: [.object], additionalProperties: true)

    /// `{"extra_specs": {"key": value, …}}`: values are strings, numbers or booleans, kept as strings.
    struct CreateBody: RequestBody {
        let extraSpecs: [String: JSON]

        enum CodingKeys: String, CodingKey { case extraSpecs = "extra_specs" }

        static func schema(at version: APIVersion) -> Schema { .object(["extra_specs": specs], required: ["extra_specs"]) }
    }

    /// `{"<key>": value}` for `PUT …/os-extra_specs/<key>`.
    struct UpdateBody: RequestBody {
        let specs: [String: JSON]

        init(from decoder: any Decoder) throws { specs = try [String: JSON](from: decoder) }

        static func schema(at version: APIVersion) -> Schema { FlavorExtraSpecs.specs }
    }

    public var api: [APIDeclaration] {
        Resource(Self.key) {
            Index(policy: Rules.index) { flavor, _ in
                Reply(["extra_specs": .object(try await store.specs(of: flavor.flavorID).mapValues(JSON.string))])
            }
            Create(body: CreateBody.self, policy: Rules.create) { flavor, body, _ in
                let specs = try Self.validated(body.extraSpecs)
                try await store.setSpecs(flavor.flavorID, specs)
                return Reply(["extra_specs": .object(specs.mapValues(JSON.string))])
            }
            Show(policy: Rules.show) { flavor, request in
                let key = request.parameter("id")
                guard let value = try await store.specs(of: flavor.flavorID)[key] else {
                    throw Fault.notFound("Flavor \(flavor.flavorID) has no extra specs with key \(key).")
                }
                return Reply([key: .string(value)])
            }
            Update(body: UpdateBody.self, policy: Rules.update) { flavor, body, request in
                let key = request.parameter("id")
                guard body.specs.count == 1, body.specs[key] != nil else { throw Fault.badRequest("Request body and URI mismatch") }
                let specs = try Self.validated(body.specs)
                try await store.setSpecs(flavor.flavorID, specs)
                return Reply(.object(specs.mapValues(JSON.string)))
            }
            Delete(policy: Rules.delete, status: .ok) { flavor, request in
                let key = request.parameter("id")
                guard try await store.removeSpec(flavor.flavorID, key) else {
                    throw Fault.notFound("Flavor \(flavor.flavorID) has no extra specs with key \(key).")
                }
                return .empty
            }
        }
        Extend(Flavors.key, [.show, .named("detail"), .create, .update], versions: .from(61)) { request, body in
            guard request.allows(Rules.index) else { return }
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

    /// Keys and values as Nova checks them; values are stored as strings.
    static func validated(_ specs: [String: JSON]) throws -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in specs {
            guard key.range(of: Self.keyPattern, options: .regularExpression) != nil else {
                throw Fault.badRequest("Invalid input for field/attribute extra_specs. Value: \(key). '\(key)' does not match '\(Self.keyPattern)'")
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
