import Foundation
public import NovaKitCore

/// Neutron's views of each resource.
public enum NetworkViews {
    static func standard(id: String, name: String, projectID: String, description: String, created: Date, updated: Date?) -> [String: JSON] {
        [
            "id": .string(id), "name": .string(name), "tenant_id": .string(projectID), "project_id": .string(projectID),
            "description": .string(description), "tags": [], "created_at": .string(Timestamp.zulu(created)),
            "updated_at": .string(Timestamp.zulu(updated ?? created)), "revision_number": .int(updated == nil ? 0 : 1),
        ]
    }

    public static func network(_ network: Network) -> JSON {
        let row = network.row
        var view = standard(
            id: row.uuid, name: row.name, projectID: row.projectID, description: row.description, created: row.createdAt, updated: row.updatedAt)
        view["admin_state_up"] = .bool(row.adminStateUp)
        view["status"] = "ACTIVE"
        view["shared"] = .bool(row.shared)
        view["router:external"] = .bool(row.external)
        view["mtu"] = .int(row.mtu)
        view["subnets"] = .array(network.subnets.map(JSON.string))
        view["availability_zone_hints"] = []
        view["availability_zones"] = ["nova"]
        view["ipv4_address_scope"] = .null
        view["ipv6_address_scope"] = .null
        view["port_security_enabled"] = true
        view["l2_adjacency"] = true
        if row.external { view["is_default"] = false }
        return .object(view)
    }

    public static func subnet(_ row: SubnetRow) -> JSON {
        var view = standard(
            id: row.uuid, name: row.name, projectID: row.projectID, description: row.description, created: row.createdAt, updated: row.updatedAt)
        view["network_id"] = .string(row.networkID)
        view["ip_version"] = .int(row.ipVersion)
        view["cidr"] = .string(row.cidr)
        view["gateway_ip"] = .string(row.gatewayIP)
        view["enable_dhcp"] = .bool(row.enableDHCP)
        view["allocation_pools"] = .array(row.pools.map { ["start": .string($0.start.description), "end": .string($0.end.description)] })
        view["dns_nameservers"] = .array(row.dnsNameservers.split(separator: "\n").map { .string(String($0)) })
        view["host_routes"] = []
        view["ipv6_ra_mode"] = .string(row.ipv6RAMode)
        view["ipv6_address_mode"] = .string(row.ipv6AddressMode)
        view["subnetpool_id"] = .null
        view["service_types"] = []
        return .object(view)
    }

    /// A port; `admin` adds the binding fields Neutron shows only to admins.
    public static func port(_ port: Port, admin: Bool) -> JSON {
        let row = port.row
        var view = standard(
            id: row.uuid, name: row.name, projectID: row.projectID, description: row.description, created: row.createdAt, updated: row.updatedAt)
        view["network_id"] = .string(row.networkID)
        view["mac_address"] = .string(row.macAddress)
        view["admin_state_up"] = .bool(row.adminStateUp)
        view["status"] = row.deviceID.isEmpty ? "DOWN" : "ACTIVE"
        view["device_id"] = .string(row.deviceID)
        view["device_owner"] = .string(row.deviceOwner)
        view["fixed_ips"] = .array(port.fixedIPs.map { ["subnet_id": .string($0.subnetID), "ip_address": .string($0.ipAddress)] })
        view["allowed_address_pairs"] = .array(
            (row.allowedAddressPairs ?? "").split(separator: "\n").map { line in
                let parts = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                return ["ip_address": .string(parts[0]), "mac_address": .string(parts.count > 1 && !parts[1].isEmpty ? parts[1] : row.macAddress)]
            })
        view["extra_dhcp_opts"] = []
        view["security_groups"] = .array(row.securityGroups.split(separator: "\n").map { .string(String($0)) })
        view["port_security_enabled"] = true
        view["binding:vnic_type"] = "normal"
        if admin {
            view["binding:host_id"] = .string(row.bindingHost ?? "")
            view["binding:vif_type"] = row.bindingHost == nil ? "unbound" : "ovs"
            view["binding:vif_details"] = [:]
            view["binding:profile"] = [:]
        }
        return .object(view)
    }

    public static func router(_ row: RouterRow) -> JSON {
        var view = standard(
            id: row.uuid, name: row.name, projectID: row.projectID, description: row.description, created: row.createdAt, updated: row.updatedAt)
        view["admin_state_up"] = .bool(row.adminStateUp)
        view["status"] = "ACTIVE"
        view["external_gateway_info"] =
            row.externalNetworkID.map { ["network_id": .string($0), "enable_snat": true, "external_fixed_ips": []] } ?? .null
        view["routes"] = []
        view["distributed"] = false
        view["ha"] = false
        view["availability_zone_hints"] = []
        view["availability_zones"] = ["nova"]
        return .object(view)
    }

    public static func securityGroup(_ group: SecurityGroup) -> JSON {
        [
            "id": .string(group.id), "name": .string(group.name), "description": .string(group.description),
            "tenant_id": .string(group.projectID), "project_id": .string(group.projectID), "stateful": true, "shared": false, "tags": [],
            "revision_number": 0, "security_group_rules": .array(group.rules.map { rule($0, of: group) }),
        ]
    }

    public static func rule(_ rule: SecurityGroupRule, of group: SecurityGroup) -> JSON {
        [
            "id": .string(rule.id), "security_group_id": .string(group.id), "direction": .string(rule.direction),
            "ethertype": .string(rule.ethertype), "protocol": .string(rule.ipProtocol), "port_range_min": .int(rule.fromPort),
            "port_range_max": .int(rule.toPort), "remote_ip_prefix": .string(rule.cidr), "normalized_cidr": .string(rule.cidr),
            "remote_group_id": .string(rule.groupID), "remote_address_group_id": .null, "description": "",
            "tenant_id": .string(group.projectID), "project_id": .string(group.projectID), "revision_number": 0,
        ]
    }

    public static func floatingIP(_ row: FloatingIPRow) -> JSON {
        var view = standard(
            id: row.uuid, name: "", projectID: row.projectID, description: row.description, created: row.createdAt, updated: row.updatedAt)
        view["name"] = nil
        view["floating_network_id"] = .string(row.floatingNetworkID)
        view["floating_ip_address"] = .string(row.floatingIPAddress)
        view["port_id"] = .string(row.portID)
        view["fixed_ip_address"] = .string(row.fixedIPAddress)
        view["router_id"] = .null
        view["status"] = row.portID == nil ? "DOWN" : "ACTIVE"
        view["port_forwardings"] = []
        return .object(view)
    }

    /// The reply of adding or removing a router interface.
    public static func interface(_ port: Port, router: RouterRow) -> JSON {
        [
            "id": .string(router.uuid), "tenant_id": .string(router.projectID), "project_id": .string(router.projectID),
            "port_id": .string(port.row.uuid), "network_id": .string(port.row.networkID),
            "subnet_id": .string(port.fixedIPs.first?.subnetID), "subnet_ids": .array(port.fixedIPs.map { .string($0.subnetID) }),
        ]
    }
}
