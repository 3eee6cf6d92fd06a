public import NovaKitAPI
public import NovaKitCore
import NovaKitHTTP
public import NovaKitPolicy
public import NovaKitStorage
import SQLKit

/// `GET /limits`: the project's absolute limits and what it uses, shaped for the microversion.
public struct Limits: APIExtension {
    let quotas: QuotaStore
    let database: Database

    public init(database: Database, clock: any NovaClock) {
        quotas = QuotaStore(database: database, clock: clock)
        self.database = database
    }

    public let descriptor = ExtensionDescriptor(
        name: "Limits", alias: "limits", namespace: "http://docs.openstack.org/compute/core/limits/v1.1",
        updated: "2011-01-21T11:33:21Z", description: "Limits support.")

    static let rule = PolicyDefault("os_compute_api:limits", "@")
    static let otherProject = PolicyDefault("os_compute_api:limits:other_project", "rule:context_is_admin")

    public var policies: [PolicyDefault] { [Self.rule, Self.otherProject] }

    public var api: [APIDeclaration] {
        Resource(ResourceKey<Never>("limits")) {
            Index(policy: Self.rule) { request in
                var project = request.auth.projectID
                if let other = request.queryValue("tenant_id"), other != project, request.allows(Self.otherProject, target: ["project_id": other]) {
                    project = other
                }
                let limits = try await quotas.limits(for: project)
                let usage = try await QuotaUsage.current(project: project, user: request.auth.userID, database: database)
                return Reply(["limits": ["rate": [], "absolute": Self.absolute(limits, usage, request.version)]])
            }
        }
    }

    static func absolute(_ limits: [String: Int], _ usage: [String: Int], _ version: APIVersion) -> JSON {
        var absolute: JSON = [
            "maxTotalInstances": .int(limits["instances"] ?? -1), "maxTotalCores": .int(limits["cores"] ?? -1),
            "maxTotalRAMSize": .int(limits["ram"] ?? -1), "maxTotalKeypairs": .int(limits["key_pairs"] ?? -1),
            "maxServerMeta": .int(limits["metadata_items"] ?? -1), "maxServerGroups": .int(limits["server_groups"] ?? -1),
            "maxServerGroupMembers": .int(limits["server_group_members"] ?? -1), "totalInstancesUsed": .int(usage["instances"] ?? 0),
            "totalCoresUsed": .int(usage["cores"] ?? 0), "totalRAMUsed": .int(usage["ram"] ?? 0), "totalServerGroupsUsed": 0,
        ]
        if version < APIVersion(2, 36) {
            absolute["maxSecurityGroups"] = .int(limits["security_groups"] ?? -1)
            absolute["maxSecurityGroupRules"] = .int(limits["security_group_rules"] ?? -1)
            absolute["maxTotalFloatingIps"] = .int(limits["floating_ips"] ?? -1)
            absolute["totalSecurityGroupsUsed"] = 0
            absolute["totalFloatingIpsUsed"] = 0
        }
        if version < APIVersion(2, 39) { absolute["maxImageMeta"] = .int(limits["metadata_items"] ?? -1) }
        if version < APIVersion(2, 57) {
            absolute["maxPersonality"] = .int(limits["injected_files"] ?? -1)
            absolute["maxPersonalitySize"] = .int(limits["injected_file_content_bytes"] ?? -1)
        }
        return absolute
    }
}
