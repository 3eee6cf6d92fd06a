import Foundation
import HTTPTypes
public import NovaKitAPI
public import NovaKitCore
import NovaKitHTTP
import NovaKitNetwork
public import NovaKitPolicy
public import NovaKitStorage

/// `os-security-groups` and `os-security-group-rules` (through 2.35, as Nova's proxy to the network service),
/// `servers/{id}/os-security-groups`, and the `addSecurityGroup` / `removeSecurityGroup` server actions, over
/// the simulated network's groups: every project has `default`; a server with an address is in the groups
/// it was created with (`default` unless it named others).
public struct SecurityGroups: APIExtension {
    static let key = ResourceKey<SecurityGroup>("os-security-groups")
    static let ruleKey = ResourceKey<Never>("os-security-group-rules")
    static let serverKey = ResourceKey<Server>("os-security-groups", under: Servers.key, parameter: "server_id")

    let store: SecurityGroupStore
    let quotas: QuotaStore

    public init(database: Database, clock: any NovaClock, ids: any IDGenerator) {
        store = SecurityGroupStore(database: database, clock: clock, ids: ids)
        quotas = QuotaStore(database: database, clock: clock)
    }

    public let descriptor = ExtensionDescriptor(
        name: "SecurityGroups", alias: "os-security-groups", namespace: "http://docs.openstack.org/compute/ext/securitygroups/api/v1.1",
        updated: "2013-05-28T00:00:00Z", description: "Security groups of the simulated network (removed in 2.36).")

    enum Rules {
        static let get = owner("get", "List or show security groups.")
        static let create = owner("create", "Create a security group.")
        static let update = owner("update", "Update a security group.")
        static let delete = owner("delete", "Delete a security group.")
        static let ruleCreate = owner("rule:create", "Add a rule to a security group.")
        static let ruleDelete = owner("rule:delete", "Delete a security group rule.")
        static let list = owner("list", "List a server's security groups.")
        static let add = owner("add", "Add a server to a security group.")
        static let remove = owner("remove", "Remove a server from a security group.")

        static func owner(_ name: String, _ description: String) -> PolicyDefault {
            PolicyDefault("os_compute_api:os-security-groups:\(name)", "rule:admin_or_owner", description: description)
        }
    }

    public var policies: [PolicyDefault] {
        [Rules.get, Rules.create, Rules.update, Rules.delete, Rules.ruleCreate, Rules.ruleDelete, Rules.list, Rules.add, Rules.remove]
    }
    public var migrations: [SchemaMigration] {
        [SecurityGroupStore.migration, SecurityGroupStore.directionMigration, SecurityGroupStore.directionDefaultsMigration]
    }

    static let versions = VersionRange.through(35)

    func lookup(_ id: String, _ request: APIRequest) async throws -> SecurityGroup {
        try await store.get(id, project: request.auth.projectID, isAdmin: request.auth.isAdmin)
    }

    public var api: [APIDeclaration] {
        Resource(Self.key, lookup: .afterPolicy(lookup)) {
            Index(versions: Self.versions, policy: Rules.get) { request in
                // `all_tenants` lists every project's groups, for admins only (others see their own, as in Nova).
                let everyone = (try? request.queryBool("all_tenants")) == true
                let groups =
                    everyone && request.auth.isAdmin
                    ? try await store.listAll() : try await store.list(project: request.auth.projectID)
                return Reply(["security_groups": .array(try await views(groups))])
            }
            Show(versions: Self.versions, policy: Rules.get) { group, _ in Reply(["security_group": try await view(group)]) }
            Create(body: GroupBody.self, versions: Self.versions, policy: Rules.create) { body, request in
                let project = request.auth.projectID
                let existing = try await store.list(project: project)
                guard !existing.contains(where: { $0.name == body.name }) else {
                    throw Fault.badRequest("Security group \(body.name) already exists")
                }
                let limit = try await quotas.limits(for: project)["security_groups"] ?? -1
                if limit >= 0, existing.count + 1 > limit {
                    throw QuotaExceeded(resource: "security_groups", requested: 1, used: existing.count, limit: limit)
                }
                let group = try await store.create(name: body.name, description: body.description, project: project)
                return Reply(["security_group": try await view(group)])
            }
            Update(body: GroupBody.self, versions: Self.versions, policy: Rules.update) { group, body, request in
                guard group.name != SecurityGroup.defaultName else {
                    throw Fault.badRequest("Unable to update system group '\(SecurityGroup.defaultName)'")
                }
                if body.name != group.name, try await store.list(project: group.projectID).contains(where: { $0.name == body.name }) {
                    throw Fault.badRequest("Security group \(body.name) already exists")
                }
                try await store.update(group, name: body.name, description: body.description)
                try await store.renameOnServers(from: group.name, to: body.name, project: group.projectID)
                return Reply(["security_group": try await view(try await lookup(group.id, request))])
            }
            Delete(versions: Self.versions, policy: Rules.delete, status: .accepted) { group, _ in
                guard group.name != SecurityGroup.defaultName else {
                    throw Fault.badRequest("Unable to delete system group '\(SecurityGroup.defaultName)'")
                }
                guard try await store.servers(in: group.name, project: group.projectID).isEmpty else {
                    throw Fault.badRequest("Security group is still in use")
                }
                try await store.delete(group)
                return .empty
            }
        }
        Resource(Self.ruleKey) {
            Create(body: RuleBody.self, versions: Self.versions, policy: Rules.ruleCreate) { body, request in
                try await createRule(body, request)
            }
            Operation(.delete, method: .delete, path: "{id}", versions: Self.versions, policy: Rules.ruleDelete, status: .accepted) { request in
                let (rule, _) = try await store.rule(request.parameter("id"), project: request.auth.projectID, isAdmin: request.auth.isAdmin)
                try await store.deleteRule(rule.id)
                return .empty
            }
        }
        Resource(Self.serverKey) {
            Index(versions: Self.versions, policy: Rules.list) { server, _ in
                let groups = try await store.list(project: server.projectID).filter { server.securityGroups.contains($0.name) }
                return Reply(["security_groups": .array(try await views(groups))])
            }
        }
        Actions(on: Servers.key) {
            Action("addSecurityGroup", body: ServerGroupBody.self, policy: Rules.add) { server, body, _ in
                guard let group = try await store.find(body.name, project: server.projectID) else {
                    throw Fault.notFound("Security group \(body.name) not found for project \(server.projectID).")
                }
                guard !server.addresses.isEmpty else {
                    throw Fault.badRequest("Server \(server.id) has no network interface for security group \(group.name).")
                }
                guard !server.securityGroups.contains(group.name) else {
                    throw Fault.badRequest("Security group \(group.name) is already associated with the instance \(server.id)")
                }
                let (name, id) = (group.name, group.id)
                try await store.setServerGroups(server.id) { $0 + [name] }
                try await store.changePortGroups(of: server.id) { $0.contains(id) ? $0 : $0 + [id] }
                return .empty
            }
            Action("removeSecurityGroup", body: ServerGroupBody.self, policy: Rules.remove) { server, body, _ in
                guard let group = try await store.find(body.name, project: server.projectID) else {
                    throw Fault.notFound("Security group \(body.name) not found for project \(server.projectID).")
                }
                guard server.securityGroups.contains(group.name) else {
                    throw Fault.badRequest("Security group \(group.name) not associated with the instance \(server.id)")
                }
                let (name, id) = (group.name, group.id)
                try await store.setServerGroups(server.id) { $0.filter { $0 != name } }
                try await store.changePortGroups(of: server.id) { $0.filter { $0 != id } }
                return .empty
            }
        }
    }

    func createRule(_ body: RuleBody, _ request: APIRequest) async throws -> Reply {
        // Group ids are the network service's uuids: anything else is refused before a lookup, as Nova does.
        guard UUID(uuidString: body.parentGroupID) != nil else { throw Fault.badRequest("Security group id should be uuid") }
        let parent = try await store.get(body.parentGroupID, project: request.auth.projectID, isAdmin: request.auth.isAdmin)
        if let source = body.groupID { _ = try await store.get(source, project: request.auth.projectID, isAdmin: request.auth.isAdmin) }
        let proto = body.ipProtocol?.lowercased()
        if let proto, !["tcp", "udp", "icmp"].contains(proto) {
            throw Fault.badRequest("Invalid IP protocol \(proto).")
        }
        let range = proto == "icmp" ? -1...255 : 1...65535
        if let from = body.fromPort, let to = body.toPort {
            guard range.contains(from), range.contains(to), proto == "icmp" || from <= to else {
                throw Fault.badRequest("Invalid port range \(from):\(to).")
            }
        } else if proto != nil {
            throw Fault.badRequest("Invalid port range: from_port and to_port are required with a protocol.")
        }
        if let cidr = body.cidr, !Self.isCIDR(cidr) { throw Fault.badRequest("Invalid cidr \(cidr).") }
        let rule = SecurityGroupRule(
            id: UUID().uuidString.lowercased(), parentGroupID: parent.id, ipProtocol: proto, fromPort: body.fromPort, toPort: body.toPort,
            cidr: body.groupID == nil ? body.cidr ?? "0.0.0.0/0" : nil, groupID: body.groupID,
            ethertype: body.cidr?.contains(":") == true ? "IPv6" : "IPv4")
        if parent.rules.contains(where: {
            ($0.ipProtocol, $0.fromPort, $0.toPort, $0.cidr, $0.groupID) == (rule.ipProtocol, rule.fromPort, rule.toPort, rule.cidr, rule.groupID)
        }) {
            throw Fault.badRequest("This rule already exists in group \(parent.id)")
        }
        try await store.addRule(rule)
        return Reply(["security_group_rule": try await ruleView(rule)])
    }

    static func isCIDR(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let prefix = Int(parts[1]) else { return false }
        if parts[0].contains(":") { return (0...128).contains(prefix) && AccessAddress.canonical(String(parts[0]), family: AF_INET6) != nil }
        return (0...32).contains(prefix) && AccessAddress.canonical(String(parts[0]), family: AF_INET) != nil
    }

    /// The groups' views; a rule's source group is found among them before it is read.
    func views(_ groups: [SecurityGroup]) async throws -> [JSON] {
        var views: [JSON] = []
        for group in groups { views.append(try await view(group, among: groups)) }
        return views
    }

    func view(_ group: SecurityGroup, among known: [SecurityGroup] = []) async throws -> JSON {
        var rules: [JSON] = []
        // Nova's proxy shows ingress rules only: egress ones exist only in the network service's API.
        for rule in group.rules where rule.direction == "ingress" { rules.append(try await ruleView(rule, among: known + [group])) }
        return [
            "id": .string(group.id), "name": .string(group.name), "description": .string(group.description),
            "tenant_id": .string(group.projectID), "rules": .array(rules),
        ]
    }

    /// Nova's rule view: the CIDR as `ip_range`, or the source group (name and project) as `group`.
    func ruleView(_ rule: SecurityGroupRule, among known: [SecurityGroup] = []) async throws -> JSON {
        var source: JSON = [:]
        if let id = rule.groupID {
            let found = known.first { $0.id == id }
            let group: SecurityGroup? = if let found { found } else { try? await store.get(id, project: "", isAdmin: true) }
            if let group { source = ["name": .string(group.name), "tenant_id": .string(group.projectID)] }
        }
        return [
            "id": .string(rule.id), "parent_group_id": .string(rule.parentGroupID), "ip_protocol": .string(rule.ipProtocol),
            "from_port": .int(rule.fromPort), "to_port": .int(rule.toPort), "ip_range": rule.cidr.map { ["cidr": .string($0)] } ?? [:],
            "group": source,
        ]
    }

    /// `{"security_group": {"name", "description"}}`
    struct GroupBody: RequestBody {
        let name: String
        let description: String

        enum Keys: String, CodingKey { case group = "security_group" }
        enum Fields: String, CodingKey { case name, description }

        init(from decoder: any Decoder) throws {
            let fields = try decoder.container(keyedBy: Keys.self).nestedContainer(keyedBy: Fields.self, forKey: .group)
            name = try fields.decode(String.self, forKey: .name)
            description = try fields.decode(String.self, forKey: .description)
        }

        static func schema(at version: APIVersion) -> Schema {
            let text = Schema.string(minLength: 1, maxLength: 255)
            return .object(
                ["security_group": .object(["name": text, "description": Schema.string(maxLength: 255)], required: ["name", "description"])],
                required: ["security_group"])
        }
    }

    /// `{"security_group_rule": {"parent_group_id", "ip_protocol", "from_port", "to_port", "cidr", "group_id"}}`
    struct RuleBody: RequestBody {
        let parentGroupID: String
        let ipProtocol: String?
        let fromPort: Int?
        let toPort: Int?
        let cidr: String?
        let groupID: String?

        enum Keys: String, CodingKey { case rule = "security_group_rule" }
        enum Fields: String, CodingKey {
            case parentGroupID = "parent_group_id", ipProtocol = "ip_protocol", fromPort = "from_port", toPort = "to_port", cidr
            case groupID = "group_id"
        }

        init(from decoder: any Decoder) throws {
            let fields = try decoder.container(keyedBy: Keys.self).nestedContainer(keyedBy: Fields.self, forKey: .rule)
            parentGroupID = try fields.decode(FlexibleString.self, forKey: .parentGroupID).value
            ipProtocol = try fields.decodeIfPresent(String.self, forKey: .ipProtocol)
            fromPort = try fields.decodeIfPresent(FlexibleInt.self, forKey: .fromPort)?.value
            toPort = try fields.decodeIfPresent(FlexibleInt.self, forKey: .toPort)?.value
            cidr = try fields.decodeIfPresent(String.self, forKey: .cidr)
            groupID = try fields.decodeIfPresent(FlexibleString.self, forKey: .groupID)?.value
        }

        static func schema(at version: APIVersion) -> Schema {
            let id = Schema(types: [.string, .integer])
            return .object(
                [
                    "security_group_rule": .object(
                        [
                            "parent_group_id": id, "ip_protocol": Schema.string().nullable, "from_port": Schema.integerOrNumeric().nullable,
                            "to_port": Schema.integerOrNumeric().nullable, "cidr": Schema.string().nullable, "group_id": id.nullable,
                        ], required: ["parent_group_id"])
                ], required: ["security_group_rule"])
        }
    }

    /// `{"addSecurityGroup" | "removeSecurityGroup": {"name": …}}`
    struct ServerGroupBody: RequestBody {
        let name: String

        static func schema(at version: APIVersion) -> Schema { .object(["name": .string(minLength: 1)], required: ["name"]) }
    }
}
