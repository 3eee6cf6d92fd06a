public import Foundation
public import NovaKitStorage

/// One row of `networks`.
public struct NetworkRow: StoredRow, Equatable {
    public static let table = "networks"
    public static let columns = CodingKeys.allCases.map(\.rawValue)

    public var id: Int?
    public var uuid: String
    public var projectID: String
    public var name: String
    public var description: String
    public var adminStateUp: Bool
    public var shared: Bool
    public var external: Bool
    public var mtu: Int
    public var createdAt: Date
    public var updatedAt: Date?
    public var deleted: Int

    public init(
        id: Int?, uuid: String, projectID: String, name: String, description: String, adminStateUp: Bool, shared: Bool, external: Bool, mtu: Int,
        createdAt: Date, updatedAt: Date?, deleted: Int
    ) {
        self.id = id
        self.uuid = uuid
        self.projectID = projectID
        self.name = name
        self.description = description
        self.adminStateUp = adminStateUp
        self.shared = shared
        self.external = external
        self.mtu = mtu
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deleted = deleted
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, uuid, name, description, shared, external, mtu, deleted
        case projectID = "project_id", adminStateUp = "admin_state_up", createdAt = "created_at", updatedAt = "updated_at"
    }
}

/// One row of `subnets`; pools are `start-end` lines, name servers one per line.
public struct SubnetRow: StoredRow, Equatable {
    public static let table = "subnets"
    public static let columns = CodingKeys.allCases.map(\.rawValue)

    public var id: Int?
    public var uuid: String
    public var projectID: String
    public var name: String
    public var description: String
    public var networkID: String
    public var ipVersion: Int
    public var cidr: String
    public var gatewayIP: String?
    public var enableDHCP: Bool
    public var allocationPools: String
    public var dnsNameservers: String
    public var ipv6RAMode: String?
    public var ipv6AddressMode: String?
    public var createdAt: Date
    public var updatedAt: Date?
    public var deleted: Int

    public init(
        id: Int?, uuid: String, projectID: String, name: String, description: String, networkID: String, ipVersion: Int, cidr: String,
        gatewayIP: String?, enableDHCP: Bool, allocationPools: String, dnsNameservers: String, ipv6RAMode: String?, ipv6AddressMode: String?,
        createdAt: Date, updatedAt: Date?, deleted: Int
    ) {
        self.id = id
        self.uuid = uuid
        self.projectID = projectID
        self.name = name
        self.description = description
        self.networkID = networkID
        self.ipVersion = ipVersion
        self.cidr = cidr
        self.gatewayIP = gatewayIP
        self.enableDHCP = enableDHCP
        self.allocationPools = allocationPools
        self.dnsNameservers = dnsNameservers
        self.ipv6RAMode = ipv6RAMode
        self.ipv6AddressMode = ipv6AddressMode
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deleted = deleted
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, uuid, name, description, cidr, deleted
        case projectID = "project_id", networkID = "network_id", ipVersion = "ip_version", gatewayIP = "gateway_ip"
        case enableDHCP = "enable_dhcp", allocationPools = "allocation_pools", dnsNameservers = "dns_nameservers"
        case ipv6RAMode = "ipv6_ra_mode", ipv6AddressMode = "ipv6_address_mode", createdAt = "created_at", updatedAt = "updated_at"
    }

    /// The allocation pools as address ranges.
    public var pools: [(start: IPAddress, end: IPAddress)] {
        allocationPools.split(separator: "\n").compactMap { line in
            let ends = line.split(separator: ",").map(String.init)
            guard ends.count == 2, let start = IPAddress(ends[0]), let end = IPAddress(ends[1]) else { return nil }
            return (start, end)
        }
    }
}

/// One row of `ports`; `compute_owned` marks the ports compute made for a server (released with it).
public struct PortRow: StoredRow, Equatable {
    public static let table = "ports"
    public static let columns = CodingKeys.allCases.map(\.rawValue)

    public var id: Int?
    public var uuid: String
    public var projectID: String
    public var name: String
    public var description: String
    public var networkID: String
    public var macAddress: String
    public var adminStateUp: Bool
    public var deviceID: String
    public var deviceOwner: String
    public var bindingHost: String?
    public var securityGroups: String
    public var computeOwned: Bool
    public var createdAt: Date
    public var updatedAt: Date?
    public var deleted: Int
    /// `ip_address,mac_address` lines.
    public var allowedAddressPairs: String?

    public init(
        id: Int?, uuid: String, projectID: String, name: String, description: String, networkID: String, macAddress: String, adminStateUp: Bool,
        deviceID: String, deviceOwner: String, bindingHost: String?, securityGroups: String, computeOwned: Bool, createdAt: Date, updatedAt: Date?,
        deleted: Int
    ) {
        self.id = id
        self.uuid = uuid
        self.projectID = projectID
        self.name = name
        self.description = description
        self.networkID = networkID
        self.macAddress = macAddress
        self.adminStateUp = adminStateUp
        self.deviceID = deviceID
        self.deviceOwner = deviceOwner
        self.bindingHost = bindingHost
        self.securityGroups = securityGroups
        self.computeOwned = computeOwned
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deleted = deleted
        self.allowedAddressPairs = nil
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, uuid, name, description, deleted
        case projectID = "project_id", networkID = "network_id", macAddress = "mac_address", adminStateUp = "admin_state_up"
        case deviceID = "device_id", deviceOwner = "device_owner", bindingHost = "binding_host", securityGroups = "security_groups"
        case computeOwned = "compute_owned", createdAt = "created_at", updatedAt = "updated_at"
        case allowedAddressPairs = "allowed_address_pairs"
    }
}

/// One fixed address of a port.
public struct IPAllocationRow: StoredRow, Equatable {
    public static let table = "ip_allocations"
    public static let columns = CodingKeys.allCases.map(\.rawValue)

    public var id: Int?
    public var portID: String
    public var subnetID: String
    public var networkID: String
    public var ipAddress: String
    public var createdAt: Date
    public var deleted: Int

    public init(
        id: Int?, portID: String, subnetID: String, networkID: String, ipAddress: String, createdAt: Date, deleted: Int
    ) {
        self.id = id
        self.portID = portID
        self.subnetID = subnetID
        self.networkID = networkID
        self.ipAddress = ipAddress
        self.createdAt = createdAt
        self.deleted = deleted
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, deleted
        case portID = "port_id", subnetID = "subnet_id", networkID = "network_id", ipAddress = "ip_address", createdAt = "created_at"
    }
}

/// One row of `routers`.
public struct RouterRow: StoredRow, Equatable {
    public static let table = "routers"
    public static let columns = CodingKeys.allCases.map(\.rawValue)

    public var id: Int?
    public var uuid: String
    public var projectID: String
    public var name: String
    public var description: String
    public var adminStateUp: Bool
    public var externalNetworkID: String?
    public var createdAt: Date
    public var updatedAt: Date?
    public var deleted: Int

    public init(
        id: Int?, uuid: String, projectID: String, name: String, description: String, adminStateUp: Bool, externalNetworkID: String?, createdAt: Date,
        updatedAt: Date?, deleted: Int
    ) {
        self.id = id
        self.uuid = uuid
        self.projectID = projectID
        self.name = name
        self.description = description
        self.adminStateUp = adminStateUp
        self.externalNetworkID = externalNetworkID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deleted = deleted
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, uuid, name, description, deleted
        case projectID = "project_id", adminStateUp = "admin_state_up", externalNetworkID = "external_network_id"
        case createdAt = "created_at", updatedAt = "updated_at"
    }
}
