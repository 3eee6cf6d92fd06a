import NovaKitStorage

/// One row of `security_groups`.
struct SecurityGroupRow: StoredRow, Equatable {
    static let table = "security_groups"
    static let columns = CodingKeys.allCases.map(\.rawValue)

    var id: Int?
    var uuid: String
    var name: String
    var description: String
    var projectID: String
    var deleted: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, uuid, name, description, deleted
        case projectID = "project_id"
    }
}

/// One row of `security_group_rules`; its project is its group's.
struct SecurityGroupRuleRow: StoredRow, Equatable {
    static let table = "security_group_rules"
    static let columns = CodingKeys.allCases.map(\.rawValue)

    var id: Int?
    var uuid: String
    var parentGroupID: String
    var ipProtocol: String?
    var fromPort: Int?
    var toPort: Int?
    var cidr: String?
    var groupID: String?
    var direction: String?
    var ethertype: String?
    var deleted: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, uuid, cidr, direction, ethertype, deleted
        case parentGroupID = "parent_group_id", ipProtocol = "protocol", fromPort = "from_port", toPort = "to_port", groupID = "group_id"
    }

    var rule: SecurityGroupRule {
        SecurityGroupRule(
            id: uuid, parentGroupID: parentGroupID, ipProtocol: ipProtocol, fromPort: fromPort, toPort: toPort, cidr: cidr, groupID: groupID,
            direction: direction ?? "ingress", ethertype: ethertype ?? "IPv4")
    }
}
