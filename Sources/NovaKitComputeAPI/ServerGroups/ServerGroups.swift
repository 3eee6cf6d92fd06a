import Foundation
import HTTPTypes
public import NovaKitAPI
public import NovaKitCore
import NovaKitHTTP
public import NovaKitPolicy
public import NovaKitStorage

/// `os-server-groups`: groups whose members the scheduler places together (affinity) or apart
/// (anti-affinity; the soft variants from 2.15 as a preference), named at server create with the
/// `group` scheduler hint. 2.13 shows project and user; 2.64 takes one `policy` and `rules`
/// (`max_server_per_host` for anti-affinity) instead of a `policies` list.
public struct ServerGroups: APIExtension {
    static let key = ResourceKey<ServerGroup>("os-server-groups")

    let store: ServerGroupStore
    let quotas: QuotaStore
    let clock: any NovaClock
    let ids: any IDGenerator

    public init(database: Database, clock: any NovaClock, ids: any IDGenerator) {
        store = ServerGroupStore(database: database, clock: clock)
        quotas = QuotaStore(database: database, clock: clock)
        self.clock = clock
        self.ids = ids
    }

    public let descriptor = ExtensionDescriptor(
        name: "ServerGroups", alias: "os-server-groups", namespace: "http://docs.openstack.org/compute/ext/servergroups/api/v2",
        updated: "2013-06-20T00:00:00Z", description: "Server groups and their placement policies.")

    enum Rules {
        static let create = PolicyDefault("os_compute_api:os-server-groups:create", "rule:admin_or_owner", description: "Create a server group.")
        static let delete = PolicyDefault("os_compute_api:os-server-groups:delete", "rule:admin_or_owner", description: "Delete a server group.")
        static let index = PolicyDefault("os_compute_api:os-server-groups:index", "rule:admin_or_owner", description: "List server groups.")
        static let indexAll = PolicyDefault(
            "os_compute_api:os-server-groups:index:all_projects", "rule:admin_api", description: "List every project's server groups.")
        static let show = PolicyDefault("os_compute_api:os-server-groups:show", "rule:admin_or_owner", description: "Show a server group.")
    }

    public var policies: [PolicyDefault] { [Rules.create, Rules.delete, Rules.index, Rules.indexAll, Rules.show] }
    public var migrations: [SchemaMigration] { [ServerGroupStore.migration] }

    /// Another project's group is not found, as in Nova.
    static func lookup(_ store: ServerGroupStore) -> MemberLookup<ServerGroup> {
        .target { id, request in
            let group = try await store.get(id)
            guard request.auth.isAdmin || group.projectID == request.auth.projectID else { throw ServerGroupNotFound(id: id) }
            return (group, ["project_id": group.projectID, "user_id": group.userID])
        }
    }

    public var api: [APIDeclaration] {
        Resource(Self.key, lookup: Self.lookup(store)) {
            Index(policy: Rules.index) { request in
                let everyone = try request.queryBool("all_projects") ?? false
                if everyone { try request.authorize(Rules.indexAll, target: ["project_id": request.auth.projectID]) }
                var groups = try await store.list(project: everyone ? nil : request.auth.projectID)
                let offset = try request.queryInt("offset", minimum: 0) ?? 0
                let limit = try request.queryInt("limit", minimum: 1) ?? groups.count
                groups = Array(groups.dropFirst(offset).prefix(limit))
                return Reply(["server_groups": .array(groups.map { Self.view($0, request.version) })])
            }
            Show(policy: Rules.show) { group, request in Reply(["server_group": Self.view(group, request.version)]) }
            Create(body: CreateBody.self, policy: Rules.create) { body, request in try await create(body, request) }
            Delete(policy: Rules.delete) { group, _ in
                try await store.delete(group)
                return .empty
            }
        }
    }

    func create(_ body: CreateBody, _ request: APIRequest) async throws -> Reply {
        let fields = body.group
        let policy: String
        if request.version >= APIVersion(2, 64) {
            policy = fields.policy ?? ""
            if fields.maxServerPerHost != nil, policy != "anti-affinity" {
                throw Fault.badRequest("Only anti-affinity policy supports rules.")
            }
        } else {
            policy = fields.policies?.first ?? ""
        }
        let group = ServerGroup(
            rowID: 0, id: ids.uuid(), name: fields.name, projectID: request.auth.projectID, userID: request.auth.userID, policy: policy,
            maxServerPerHost: fields.maxServerPerHost, members: [])
        let project = request.auth.projectID
        let now = clock.now()
        try await quotas.withQuotas(
            ["server_groups": 1], count: (1, 1), project: project,
            used: { sql in ["server_groups": try await ServerGroupStore.count(project: project, sql)] }
        ) { sql, _ in try await ServerGroupStore.insert(group, at: now, sql) }
        return Reply(["server_group": Self.view(group, request.version)])
    }

    /// Nova's view at `version`.
    static func view(_ group: ServerGroup, _ version: APIVersion) -> JSON {
        var view: JSON = ["id": .string(group.id), "name": .string(group.name), "members": .array(group.members.map(JSON.string))]
        if version >= APIVersion(2, 64) {
            view["policy"] = .string(group.policy)
            view["rules"] = group.maxServerPerHost.map { ["max_server_per_host": .int($0)] } ?? [:]
        } else {
            view["policies"] = [.string(group.policy)]
            view["metadata"] = [:]
        }
        if version >= APIVersion(2, 13) {
            view["project_id"] = .string(group.projectID)
            view["user_id"] = .string(group.userID)
        }
        return view
    }

    /// `{"server_group": {"name", "policies": [one]}}`, from 2.64 `{"name", "policy", "rules"}`.
    struct CreateBody: RequestBody {
        struct Fields: Decodable, Sendable {
            let name: String
            let policies: [String]?
            let policy: String?
            let maxServerPerHost: Int?

            enum CodingKeys: String, CodingKey { case name, policies, policy, rules }
            enum RuleKeys: String, CodingKey { case maxServerPerHost = "max_server_per_host" }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                name = try container.decode(String.self, forKey: .name)
                policies = try container.decodeIfPresent([String].self, forKey: .policies)
                policy = try container.decodeIfPresent(String.self, forKey: .policy)
                if container.contains(.rules) {
                    let rules = try container.nestedContainer(keyedBy: RuleKeys.self, forKey: .rules)
                    maxServerPerHost = try rules.decodeIfPresent(FlexibleInt.self, forKey: .maxServerPerHost)?.value
                } else {
                    maxServerPerHost = nil
                }
            }
        }

        let group: Fields

        enum CodingKeys: String, CodingKey { case group = "server_group" }

        static func schema(at version: APIVersion) -> Schema {
            let name = Schema.string(minLength: 1, maxLength: 255, pattern: #"^(?! )[^\x00-\x1f]*(?<! )$"#)
            let allowed: [JSON] =
                version >= APIVersion(2, 15) ? ServerGroup.policies.map(JSON.string) : ["affinity", "anti-affinity"]
            let fields: Schema
            if version >= APIVersion(2, 64) {
                fields = .object(
                    [
                        "name": name, "policy": .oneOf(allowed),
                        "rules": .object(["max_server_per_host": .integerOrNumeric(minimum: 1)]),
                    ], required: ["name", "policy"])
            } else {
                fields = .object(["name": name, "policies": .array(.oneOf(allowed), minItems: 1, maxItems: 1)], required: ["name", "policies"])
            }
            return .object(["server_group": fields], required: ["server_group"])
        }
    }
}
