import HTTPTypes
public import NovaKitAPI
import NovaKitCompute
public import NovaKitCore
import NovaKitHTTP
public import NovaKitPolicy
public import NovaKitStorage
import SQLKit

/// `os-quota-sets`: show, detail, defaults, update (admin) and revert (admin) of a project's quotas.
public struct QuotaSets: APIExtension {
    /// A quota set's member is the project it belongs to.
    public static let key = ResourceKey<String>("os-quota-sets")

    let store: QuotaStore
    let database: Database

    public init(database: Database, clock: any NovaClock) {
        store = QuotaStore(database: database, clock: clock)
        self.database = database
    }

    public let descriptor = ExtensionDescriptor(
        name: "Quotas", alias: "os-quota-sets", namespace: "http://docs.openstack.org/compute/ext/quotas-sets/api/v1.1",
        updated: "2011-08-08T00:00:00Z", description: "Quotas management support.")

    enum Rules {
        static let show = PolicyDefault("os_compute_api:os-quota-sets:show", "rule:project_reader_or_admin")
        static let detail = PolicyDefault("os_compute_api:os-quota-sets:detail", "rule:project_reader_or_admin")
        static let defaults = PolicyDefault("os_compute_api:os-quota-sets:defaults", "@")
        static let update = PolicyDefault("os_compute_api:os-quota-sets:update", "rule:context_is_admin")
        static let delete = PolicyDefault("os_compute_api:os-quota-sets:delete", "rule:context_is_admin")
    }

    public var policies: [PolicyDefault] { [Rules.show, Rules.detail, Rules.defaults, Rules.update, Rules.delete] }

    public var migrations: [SchemaMigration] { [QuotaStore.migration, QuotaStore.classMigration] }

    /// The quota set's project is the policy target: members read their own, admins any.
    static let lookup = MemberLookup<String>.target { project, request in (project, ["project_id": project, "user_id": request.auth.userID]) }

    /// `{"quota_set": {"<resource>": limit, …, "force": true}}`, with the resources the microversion knows.
    struct UpdateBody: RequestBody {
        let limits: [String: Int]
        let force: Bool

        enum CodingKeys: String, CodingKey { case quotaSet = "quota_set" }

        init(from decoder: any Decoder) throws {
            let fields = try decoder.container(keyedBy: CodingKeys.self).decode([String: JSON].self, forKey: .quotaSet)
            force = try fields["force"].map { try $0.decode(FlexibleBool.self).value } ?? false
            limits = try fields.filter { $0.key != "force" }.mapValues { try $0.decode(FlexibleInt.self).value }
        }

        static func schema(at version: APIVersion) -> Schema {
            var fields: [String: Schema] = ["force": .novaBoolean]
            for key in QuotaStore.keys(at: version) { fields[key] = .integerOrNumeric(minimum: -1, maximum: Int(Int32.max)) }
            return .object(["quota_set": .object(fields)], required: ["quota_set"])
        }
    }

    public var api: [APIDeclaration] {
        Resource(Self.key, lookup: Self.lookup) {
            Show(policy: Rules.show) { project, request in
                Reply(["quota_set": Self.view(try await store.limits(for: project), request, id: project)])
            }
            MemberRoute("detail", policy: Rules.detail) { project, request in
                let limits = try await store.limits(for: project)
                let usage = try await QuotaUsage.current(
                    project: project, user: request.queryValue("user_id") ?? request.auth.userID, database: database)
                var view: JSON = ["id": .string(project)]
                for key in QuotaStore.keys(at: request.version) {
                    view[key] = ["limit": .int(limits[key] ?? -1), "in_use": .int(usage[key] ?? 0), "reserved": 0]
                }
                return Reply(["quota_set": view])
            }
            MemberRoute("defaults", policy: Rules.defaults) { project, request in
                Reply(["quota_set": Self.view(try await store.classLimits(QuotaStore.defaultClass), request, id: project)])
            }
            Update(body: UpdateBody.self, policy: Rules.update) { project, body, request in try await update(project, body, request) }
            Delete(policy: Rules.delete, status: .accepted) { project, _ in
                try await store.reset(project)
                return .empty
            }
        }
    }

    func update(_ project: String, _ body: UpdateBody, _ request: APIRequest) async throws -> Reply {
        if !body.force {
            let usage = try await QuotaUsage.current(project: project, user: request.queryValue("user_id") ?? request.auth.userID, database: database)
            for (key, limit) in body.limits.sorted(by: { $0.key < $1.key }) where limit >= 0 && (usage[key] ?? 0) > limit {
                throw Fault.badRequest(
                    "Quota limit \(limit) for \(key) must be greater than or equal to already used and reserved \(usage[key] ?? 0).")
            }
        }
        try await store.set(body.limits, for: project)
        var view = Self.view(try await store.limits(for: project), request, id: project)
        view["id"] = nil
        return Reply(["quota_set": view])
    }

    static func view(_ limits: [String: Int], _ request: APIRequest, id: String) -> JSON {
        var view: JSON = ["id": .string(id)]
        for key in QuotaStore.keys(at: request.version) { view[key] = .int(limits[key] ?? -1) }
        return view
    }
}

/// What a project uses of each resource, counted from the tables that hold it. Key pairs belong to
/// users, as in Nova, so their usage is the given user's (`?user_id=`, else the caller); instances, cores and
/// ram are the project's live servers.
enum QuotaUsage {
    static func current(project: String, user: String, database: Database) async throws -> [String: Int] {
        try await database.read { sql in
            let servers = try await ResourceUsage.project(sql, project)
            return [
                "key_pairs": try await KeypairStore.count(user: user, sql), "instances": servers.instances, "cores": servers.total.vcpus,
                "ram": servers.total.memoryMB,
            ]
        }
    }
}
