import NovaKitAPI

/// `os-quota-sets`: show, detail, defaults, update (admin) and revert (admin) of a project's quotas.
public struct QuotaSets: APIExtension {
    public init() {}

    public let descriptor = ExtensionDescriptor(
        name: "Quotas", alias: "os-quota-sets", namespace: "http://docs.openstack.org/compute/ext/quotas-sets/api/v1.1",
        updated: "2011-08-08T00:00:00Z", description: "Quotas management support.")

    static func rule(_ action: String) -> String { "os_compute_api:os-quota-sets:\(action)" }

    public var policies: [PolicyDefault] {
        [
            PolicyDefault(Self.rule("show"), "rule:project_reader_or_admin"), PolicyDefault(Self.rule("detail"), "rule:project_reader_or_admin"),
            PolicyDefault(Self.rule("defaults"), "@"), PolicyDefault(Self.rule("update"), "rule:context_is_admin"),
            PolicyDefault(Self.rule("delete"), "rule:context_is_admin"),
        ]
    }

    public var migrations: [Migration] { [QuotaStore.migration] }

    /// The quota set's project is the policy target: members read their own, admins any.
    static let target: Resource.TargetLookup = { request in ["project_id": request.parameter("id"), "user_id": request.auth.userID] }

    static func updateSchema(_ version: APIVersion) -> Schema {
        var fields: [String: Schema] = ["force": .boolean]
        for key in QuotaStore.keys(at: version) { fields[key] = .integer(minimum: -1, maximum: Int(Int32.max)) }
        return .object(["quota_set": .object(fields)], required: ["quota_set"])
    }

    public var api: [APIDeclaration] {
        Resource("os-quota-sets", memberTarget: Self.target) {
            Show(policy: Self.rule("show")) { request in
                let limits = try await QuotaStore(request).limits(for: request.parameter("id"))
                return Reply(["quota_set": Self.view(limits, request, id: request.parameter("id"))])
            }
            MemberRoute("detail", policy: Self.rule("detail")) { request in
                let project = request.parameter("id")
                let limits = try await QuotaStore(request).limits(for: project)
                let usage = try await QuotaUsage.current(
                    project: project, user: request.queryValue("user_id") ?? request.auth.userID, database: request.services.database)
                var view: JSON = ["id": .string(project)]
                for key in QuotaStore.keys(at: request.version) {
                    view[key] = ["limit": .int(limits[key] ?? -1), "in_use": .int(usage[key] ?? 0), "reserved": 0]
                }
                return Reply(["quota_set": view])
            }
            MemberRoute("defaults", policy: Self.rule("defaults")) { request in
                Reply(["quota_set": Self.view(QuotaStore.defaults, request, id: request.parameter("id"))])
            }
            Update(Self.updateSchema(.minimum), versions: .through(35), policy: Self.rule("update"), Self.update)
            Update(
                Self.updateSchema(APIVersion(2, 36)), versions: VersionRange(APIVersion(2, 36), APIVersion(2, 56)), policy: Self.rule("update"),
                Self.update)
            Update(Self.updateSchema(APIVersion(2, 57)), versions: .from(57), policy: Self.rule("update"), Self.update)
            Delete(policy: Self.rule("delete"), status: .accepted) { request in
                try await QuotaStore(request).reset(request.parameter("id"))
                return .empty
            }
        }
    }

    static let update: Handler = { request in
        let project = request.parameter("id")
        var values: [String: Int] = [:]
        for (key, value) in request.body["quota_set"]?.objectValue ?? [:] where key != "force" { values[key] = value.intValue }
        if request.body["quota_set"]?["force"] != .bool(true) {
            let usage = try await QuotaUsage.current(
                project: project, user: request.queryValue("user_id") ?? request.auth.userID, database: request.services.database)
            for (key, limit) in values.sorted(by: { $0.key < $1.key }) where limit >= 0 && (usage[key] ?? 0) > limit {
                throw Fault.badRequest(
                    "Quota limit \(limit) for \(key) must be greater than or equal to already used and reserved \(usage[key] ?? 0).")
            }
        }
        let store = QuotaStore(request)
        try await store.set(values, for: project)
        var view = view(try await store.limits(for: project), request, id: project)
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
        try await database.withConnection { sql in
            let servers = try await ServerStore.usage(sql, project: project)
            return [
                "key_pairs": try await Keypairs.count(user: user, sql), "instances": servers.instances, "cores": servers.total.vcpus,
                "ram": servers.total.memoryMB,
            ]
        }
    }
}
