import NovaKitAPI

/// `GET /limits`: the project's absolute limits and what it uses, shaped for the microversion.
public struct Limits: APIExtension {
    public init() {}

    public let descriptor = ExtensionDescriptor(
        name: "Limits", alias: "limits", namespace: "http://docs.openstack.org/compute/core/limits/v1.1",
        updated: "2011-01-21T11:33:21Z", description: "Limits support.")

    static let rule = "os_compute_api:limits"
    static let otherProject = "os_compute_api:limits:other_project"

    public var policies: [PolicyDefault] {
        [PolicyDefault(Self.rule, "@"), PolicyDefault(Self.otherProject, "rule:context_is_admin")]
    }

    public var api: [APIDeclaration] {
        Resource("limits") {
            Index(policy: Self.rule) { request in
                var project = request.auth.projectID
                if let other = request.queryValue("tenant_id"), other != project,
                    request.services.policy.allows(Self.otherProject, credentials: request.auth.credentials, target: ["project_id": other])
                {
                    project = other
                }
                let limits = try await QuotaStore(request).limits(for: project)
                let usage = try await QuotaUsage.current(project: project, user: request.auth.userID, database: request.services.database)
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
