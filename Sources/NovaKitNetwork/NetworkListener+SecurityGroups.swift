import Foundation
import Hummingbird
import NovaKitCore
import NovaKitHTTP

/// `security-groups` and `security-group-rules`, over the same groups compute's proxy API shows: a project's
/// `default` group is made on first use; a new group allows all egress, as in Neutron.
extension NetworkListener {
    static let securityGroupAttributes: Set<String> = ["name", "description", "project_id", "tenant_id", "stateful"]
    static let ruleAttributes: Set<String> = [
        "security_group_id", "direction", "ethertype", "protocol", "port_range_min", "port_range_max", "remote_ip_prefix", "remote_group_id",
        "description", "project_id", "tenant_id",
    ]

    func securityGroups(_ request: Request, _ path: [String], _ query: NeutronQuery, _ auth: AuthContext) async throws -> Response {
        switch (request.method, path.count) {
        case (.get, 1):
            try await securityGroupStore.ensureDefault(project: auth.projectID)  // the caller's `default`, made on first use
            return list("security_groups", try await securityGroupStore.list(query, auth).map(NetworkViews.securityGroup), query)
        case (.post, 1):
            let body = try NeutronBody(try await self.body(request), resource: "security_group", allowed: Self.securityGroupAttributes)
            let name = try body.string("name") ?? ""
            let project = try owner(body, auth)
            try await quotaStore.check("security_group", project: project)
            if name == SecurityGroup.defaultName, try await securityGroupStore.list(project: project).contains(where: { $0.name == name }) {
                throw NeutronError.conflict("DuplicateSgDefault", "Default security group already exists.")
            }
            var group = try await securityGroupStore.create(name: name, description: try body.string("description") ?? "", project: project)
            for ethertype in ["IPv4", "IPv6"] {
                let rule = SecurityGroupRule(
                    id: ids.uuid(), parentGroupID: group.id, ipProtocol: nil, fromPort: nil, toPort: nil, cidr: nil, groupID: nil,
                    direction: "egress", ethertype: ethertype)
                try await securityGroupStore.addRule(rule)
                group.rules.append(rule)
            }
            return one("security_group", NetworkViews.securityGroup(group), query, status: .created)
        case (.get, 2):
            return one("security_group", NetworkViews.securityGroup(try await securityGroup(path[1], auth)), query)
        case (.put, 2):
            let group = try await securityGroup(path[1], auth)
            let body = try NeutronBody(try await self.body(request), resource: "security_group", allowed: Self.securityGroupAttributes)
            let name = try body.string("name") ?? group.name
            if group.name == SecurityGroup.defaultName, name != group.name {
                throw NeutronError.conflict("SecurityGroupCannotUpdateDefault", "Updating default security group not allowed.")
            }
            try await securityGroupStore.update(group, name: name, description: try body.string("description") ?? group.description)
            if name != group.name { try await onSecurityGroupRename(group.name, name, group.projectID) }
            return one("security_group", NetworkViews.securityGroup(try await securityGroup(path[1], auth)), query)
        case (.delete, 2):
            let group = try await securityGroup(path[1], auth)
            if group.name == SecurityGroup.defaultName, !auth.isAdmin {
                throw NeutronError.conflict("SecurityGroupCannotRemoveDefault", "Insufficient rights for removing default security group.")
            }
            try await securityGroupStore.delete(group)
            return Response(status: .noContent)
        default:
            throw Self.notAllowed
        }
    }

    func securityGroupRules(_ request: Request, _ path: [String], _ query: NeutronQuery, _ auth: AuthContext) async throws -> Response {
        switch (request.method, path.count) {
        case (.get, 1):
            try await securityGroupStore.ensureDefault(project: auth.projectID)  // the caller's `default`, made on first use
            let rules = try await securityGroupStore.listRules(query, auth)
            return list("security_group_rules", rules.map { NetworkViews.rule($0.0, of: $0.1) }, query)
        case (.post, 1):
            let body = try NeutronBody(try await self.body(request), resource: "security_group_rule", allowed: Self.ruleAttributes)
            guard let groupID = try body.string("security_group_id") else {
                throw NeutronError.badRequest("Failed to parse request. Required attribute 'security_group_id' not specified")
            }
            let group = try await securityGroup(groupID, auth)
            try await quotaStore.check("security_group_rule", project: group.projectID)
            let rule = try newRule(body, in: group, auth)
            if let existing = group.rules.first(where: { $0.sameTraffic(as: rule) }) {
                throw NeutronError.conflict("SecurityGroupRuleExists", "Security group rule already exists. Rule id is \(existing.id).")
            }
            try await securityGroupStore.addRule(rule)
            return one("security_group_rule", NetworkViews.rule(rule, of: group), query, status: .created)
        case (.get, 2):
            let (rule, group) = try await securityGroupRule(path[1], auth)
            return one("security_group_rule", NetworkViews.rule(rule, of: group), query)
        case (.delete, 2):
            let (rule, _) = try await securityGroupRule(path[1], auth)
            try await securityGroupStore.deleteRule(rule.id)
            return Response(status: .noContent)
        default:
            throw Self.notAllowed
        }
    }

    private func securityGroup(_ id: String, _ auth: AuthContext) async throws -> SecurityGroup {
        guard let group = try? await securityGroupStore.get(id, project: auth.projectID, isAdmin: auth.isAdmin) else {
            throw NeutronError(code: 404, type: "SecurityGroupNotFound", message: "Security group \(id) does not exist")
        }
        return group
    }

    private func securityGroupRule(_ id: String, _ auth: AuthContext) async throws -> (SecurityGroupRule, SecurityGroup) {
        guard let found = try? await securityGroupStore.rule(id, project: auth.projectID, isAdmin: auth.isAdmin) else {
            throw NeutronError(code: 404, type: "SecurityGroupRuleNotFound", message: "Security group rule \(id) does not exist")
        }
        return found
    }

    /// A rule as Neutron validates it: direction, ethertype, protocol (name or number), port range, and a
    /// remote prefix of the rule's family or a remote group the caller can see.
    private func newRule(_ body: NeutronBody, in group: SecurityGroup, _ auth: AuthContext) throws -> SecurityGroupRule {
        let direction = try body.string("direction") ?? ""
        guard ["ingress", "egress"].contains(direction) else {
            throw NeutronError.badRequest("Invalid input for direction. Reason: '\(direction)' is not in ['ingress', 'egress'].")
        }
        let ethertype = try body.string("ethertype") ?? "IPv4"
        guard ["IPv4", "IPv6"].contains(ethertype) else {
            throw NeutronError.badRequest("Invalid input for ethertype. Reason: '\(ethertype)' is not in ['IPv4', 'IPv6'].")
        }
        var proto: String?
        if let given = body.fields["protocol"], given != .null {
            let text = given.stringValue?.lowercased() ?? given.intValue.map(String.init) ?? ""
            guard ["tcp", "udp", "icmp", "ipv6-icmp", "icmpv6", "any"].contains(text) || Int(text).map({ (0...255).contains($0) }) == true else {
                throw NeutronError(
                    code: 400, type: "SecurityGroupRuleInvalidProtocol", message: "Security group rule protocol \(text) not supported.")
            }
            proto = text == "any" ? nil : text
        }
        let low = try body.int("port_range_min")
        let high = try body.int("port_range_max")
        if proto == "tcp" || proto == "udp" {
            if let low, let high, !(1...65535).contains(low) || !(1...65535).contains(high) || low > high {
                throw NeutronError(
                    code: 400, type: "SecurityGroupInvalidPortRange",
                    message: "For TCP/UDP protocols, port_range_min must be <= port_range_max")
            }
        } else if (low != nil || high != nil) && proto == nil {
            throw NeutronError(
                code: 400, type: "SecurityGroupProtocolRequiredWithPorts", message: "Must also specify protocol if port range is given.")
        }
        var prefix: String?
        if let text = try body.string("remote_ip_prefix") {
            guard let cidr = IPNetwork(text) else {
                throw NeutronError.badRequest("Invalid input for remote_ip_prefix. Reason: '\(text)' is not a valid IP subnet.")
            }
            guard (cidr.version == 4) == (ethertype == "IPv4") else {
                throw NeutronError(
                    code: 400, type: "SecurityGroupRuleParameterConflict",
                    message: "Conflicting value ethertype \(ethertype) for CIDR \(text)")
            }
            prefix = cidr.description
        }
        let remoteGroup = try body.string("remote_group_id")
        if prefix != nil, remoteGroup != nil {
            throw NeutronError.badRequest("Only remote_ip_prefix or remote_group_id may be provided.")
        }
        return SecurityGroupRule(
            id: ids.uuid(), parentGroupID: group.id, ipProtocol: proto, fromPort: low, toPort: high, cidr: prefix, groupID: remoteGroup,
            direction: direction, ethertype: ethertype)
    }
}

extension SecurityGroupRule {
    /// Whether the two rules admit the same traffic (Neutron refuses such a duplicate).
    func sameTraffic(as other: SecurityGroupRule) -> Bool {
        (direction, ethertype, ipProtocol, fromPort) == (other.direction, other.ethertype, other.ipProtocol, other.fromPort)
            && (toPort, cidr, groupID) == (other.toPort, other.cidr, other.groupID)
    }
}
