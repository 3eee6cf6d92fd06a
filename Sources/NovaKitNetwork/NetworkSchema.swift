public import NovaKitStorage
import SQLKit

/// The network service's tables (Neutron's subset): networks, subnets, ports with their fixed addresses, and
/// routers; quotas and floating IPs follow. Each has the standard columns and soft delete; `uuid` is the public id.
public enum NetworkSchema {
    public static let migrations: [SchemaMigration] = [
        SchemaMigration("network/001_create_network_tables") { sql, _ in
            let flag = SQLDataType.custom(SQLRaw("BOOLEAN"))
            let key = { (builder: SQLCreateTableBuilder) in
                builder.column("id", type: .int, .primaryKey(autoIncrement: true)).column("uuid", type: .text, .notNull)
                    .column("project_id", type: .text, .notNull).column("name", type: .text, .notNull)
                    .column("description", type: .text, .notNull)
            }
            try await sql.createSoftDeletableTable("networks") {
                key($0).column("admin_state_up", type: flag, .notNull).column("shared", type: flag, .notNull)
                    .column("external", type: flag, .notNull).column("mtu", type: .int, .notNull).unique(["uuid", "deleted"])
            }
            try await sql.createSoftDeletableTable("subnets") {
                key($0).column("network_id", type: .text, .notNull).column("ip_version", type: .int, .notNull)
                    .column("cidr", type: .text, .notNull).column("gateway_ip", type: .text).column("enable_dhcp", type: flag, .notNull)
                    .column("allocation_pools", type: .text, .notNull).column("dns_nameservers", type: .text, .notNull)
                    .column("ipv6_ra_mode", type: .text).column("ipv6_address_mode", type: .text).unique(["uuid", "deleted"])
            }
            try await sql.createSoftDeletableTable("ports") {
                key($0).column("network_id", type: .text, .notNull).column("mac_address", type: .text, .notNull)
                    .column("admin_state_up", type: flag, .notNull).column("device_id", type: .text, .notNull)
                    .column("device_owner", type: .text, .notNull).column("binding_host", type: .text)
                    .column("security_groups", type: .text, .notNull).column("compute_owned", type: flag, .notNull).unique(["uuid", "deleted"])
            }
            // One row per fixed address; the unique key keeps two ports from taking one address at once.
            try await sql.createSoftDeletableTable("ip_allocations") {
                $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("port_id", type: .text, .notNull)
                    .column("subnet_id", type: .text, .notNull).column("network_id", type: .text, .notNull)
                    .column("ip_address", type: .text, .notNull).unique(["subnet_id", "ip_address", "deleted"])
            }
            try await sql.createSoftDeletableTable("routers") {
                key($0).column("admin_state_up", type: flag, .notNull).column("external_network_id", type: .text).unique(["uuid", "deleted"])
            }
            for (name, table, columns) in [
                ("networks_project_idx", "networks", ["deleted", "project_id"]),
                ("subnets_network_idx", "subnets", ["deleted", "network_id"]),
                ("ports_network_idx", "ports", ["deleted", "network_id"]),
                ("ports_device_idx", "ports", ["deleted", "device_id"]),
                ("ports_project_idx", "ports", ["deleted", "project_id"]),
                ("ip_allocations_port_idx", "ip_allocations", ["deleted", "port_id"]),
                ("routers_project_idx", "routers", ["deleted", "project_id"]),
            ] {
                try await columns.reduce(sql.create(index: name).on(table)) { $0.column($1) }.run()
            }
        },
        NetworkQuotaStore.migration,
        FloatingIPStore.migration,
        SchemaMigration("network/004_port_address_pairs") { sql, _ in
            // Allowed address pairs: `ip_address,mac_address` lines.
            try await sql.alter(table: PortRow.table).column("allowed_address_pairs", type: .text).run()
        },
        AutoAllocatedTopology.migration,
    ]
}
