public import NovaKitAPI
public import NovaKitCore
public import NovaKitPolicy
public import NovaKitStorage

/// `os-quota-class-sets/{class}`: a quota class's limits, shown and (admin) updated. The `default` class is
/// what every project falls back to, so updating it changes every project's defaults and limits.
public struct QuotaClassSets: APIExtension {
    public static let key = ResourceKey<String>("os-quota-class-sets")

    let store: QuotaStore

    public init(database: Database, clock: any NovaClock) {
        store = QuotaStore(database: database, clock: clock)
    }

    public let descriptor = ExtensionDescriptor(
        name: "QuotaClasses", alias: "os-quota-class-sets", namespace: "http://docs.openstack.org/compute/ext/quota-classes-sets/api/v1.1",
        updated: "2012-03-12T00:00:00Z", description: "Quota classes management support.")

    enum Rules {
        static let show = PolicyDefault(
            "os_compute_api:os-quota-class-sets:show", "rule:admin_api or quota_class:%(quota_class)s", description: "Show a quota class.")
        static let update = PolicyDefault("os_compute_api:os-quota-class-sets:update", "rule:admin_api", description: "Update a quota class.")
    }

    public var policies: [PolicyDefault] { [Rules.show, Rules.update] }

    /// The class named in the URL is the policy target.
    static let lookup = MemberLookup<String>.target { name, _ in (name, ["quota_class": name]) }

    /// The resources a quota class shows: server groups from 2.50, when the network ones go; injected files
    /// go at 2.57.
    static func keys(at version: APIVersion) -> [String] {
        var keys = QuotaStore.defaults.keys.sorted()
        if version >= APIVersion(2, 50) {
            keys.removeAll { ["fixed_ips", "floating_ips", "security_groups", "security_group_rules"].contains($0) }
        } else {
            keys.removeAll { $0.hasPrefix("server_group") }
        }
        if version >= APIVersion(2, 57) { keys.removeAll { $0.hasPrefix("injected_file") } }
        return keys
    }

    /// `{"quota_class_set": {"<resource>": limit, …}}` with the resources the microversion shows.
    struct UpdateBody: RequestBody {
        let limits: [String: Int]

        enum CodingKeys: String, CodingKey { case quotaClassSet = "quota_class_set" }

        init(from decoder: any Decoder) throws {
            let fields = try decoder.container(keyedBy: CodingKeys.self).decode([String: JSON].self, forKey: .quotaClassSet)
            limits = try fields.mapValues { try $0.decode(FlexibleInt.self).value }
        }

        static func schema(at version: APIVersion) -> Schema {
            var fields: [String: Schema] = [:]
            for key in QuotaClassSets.keys(at: version) { fields[key] = .integerOrNumeric(minimum: -1, maximum: Int(Int32.max)) }
            return .object(["quota_class_set": .object(fields)], required: ["quota_class_set"])
        }
    }

    public var api: [APIDeclaration] {
        Resource(Self.key, lookup: Self.lookup) {
            Show(policy: Rules.show) { name, request in
                var view = Self.view(try await store.classLimits(name), request.version)
                view["id"] = .string(name)
                return Reply(["quota_class_set": view])
            }
            Update(body: UpdateBody.self, policy: Rules.update) { name, body, request in
                try await store.setClass(body.limits, for: name)
                return Reply(["quota_class_set": Self.view(try await store.classLimits(name), request.version)])
            }
        }
    }

    static func view(_ limits: [String: Int], _ version: APIVersion) -> JSON {
        var view: JSON = [:]
        for key in keys(at: version) { view[key] = .int(limits[key] ?? -1) }
        return view
    }
}
