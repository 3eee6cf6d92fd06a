public import NovaKitAPI

/// The extensions Nova's `/extensions` lists: since v2.1 a frozen catalog of the old v2 extension names,
/// kept for clients that still discover features by alias. NovaKit lists its own extensions from their
/// descriptors and, for every other alias in Nova's catalog, the catalog entry (with Nova's placeholder
/// namespace and date).
public enum NovaExtensionCatalog {
    /// `(alias, name, what it adds)`, by alias.
    static let entries: [(alias: String, name: String, summary: String)] = [
        ("NMN", "Multinic", "Several networks per server."), ("OS-DCF", "DiskConfig", "The disk configuration of a server."),
        ("OS-EXT-AZ", "ExtendedAvailabilityZone", "A server's availability zone."),
        ("OS-EXT-IMG-SIZE", "ImageSize", "The size of an image in image listings."),
        ("OS-EXT-IPS", "ExtendedIps", "The type of each server address."), ("OS-EXT-IPS-MAC", "ExtendedIpsMac", "The MAC of each server address."),
        ("OS-EXT-SRV-ATTR", "ExtendedServerAttributes", "A server's host, node and instance name."),
        ("OS-EXT-STS", "ExtendedStatus", "A server's vm, task and power states."),
        ("OS-FLV-DISABLED", "FlavorDisabled", "Whether a flavor is disabled."),
        ("OS-FLV-EXT-DATA", "FlavorExtraData", "A flavor's ephemeral disk."),
        ("OS-SCH-HNT", "SchedulerHints", "Hints to the scheduler at server create."),
        ("OS-SRV-USG", "ServerUsage", "When a server was launched and terminated."), ("os-access-ips", "AccessIPs", "A server's access addresses."),
        ("os-admin-actions", "AdminActions", "Admin-only server actions such as resetting its state."),
        ("os-admin-password", "AdminPassword", "Changing a server's admin password."), ("os-agents", "Agents", "Guest agent builds."),
        ("os-aggregates", "Aggregates", "Admin-only host aggregates."),
        ("os-assisted-volume-snapshots", "AssistedVolumeSnapshots", "Snapshots of attached volumes."),
        ("os-attach-interfaces", "AttachInterfaces", "Attaching network interfaces to servers."),
        ("os-availability-zone", "AvailabilityZone", "Availability zones and choosing one at create."),
        ("os-baremetal-ext-status", "BareMetalExtStatus", "Extended bare-metal node status."),
        ("os-baremetal-nodes", "BareMetalNodes", "Admin-only bare-metal nodes."),
        ("os-block-device-mapping", "BlockDeviceMapping", "Booting with block device mappings."),
        ("os-block-device-mapping-v2-boot", "BlockDeviceMappingV2Boot", "Booting with the second block device mapping format."),
        ("os-cell-capacities", "CellCapacities", "The capacities of cells."), ("os-cells", "Cells", "Cells."),
        ("os-certificates", "Certificates", "Root and user certificates."), ("os-cloudpipe", "Cloudpipe", "VPN instances for projects."),
        ("os-cloudpipe-update", "CloudpipeUpdate", "The VPN address of cloudpipe instances."),
        ("os-config-drive", "ConfigDrive", "Config drives."), ("os-console-auth-tokens", "ConsoleAuthTokens", "Console token checks."),
        ("os-console-output", "ConsoleOutput", "A server's console log."), ("os-consoles", "Consoles", "Interactive consoles."),
        ("os-create-backup", "CreateBackup", "Rotating backups of a server."),
        ("os-create-server-ext", "Createserverext", "More fields at server create."),
        ("os-deferred-delete", "DeferredDelete", "Restoring deleted servers before they are reclaimed."),
        ("os-evacuate", "Evacuate", "Rebuilding servers of a failed host elsewhere."),
        ("os-extended-evacuate-find-host", "ExtendedEvacuateFindHost", "Evacuation to a host the scheduler picks."),
        ("os-extended-floating-ips", "ExtendedFloatingIps", "A fixed address for a floating IP."),
        ("os-extended-hypervisors", "ExtendedHypervisors", "More hypervisor fields."),
        ("os-extended-networks", "ExtendedNetworks", "More network fields."),
        ("os-extended-quotas", "ExtendedQuotas", "Deleting and forcing quotas."),
        ("os-extended-rescue-with-image", "ExtendedRescueWithImage", "Rescue with a chosen image."),
        ("os-extended-services", "ExtendedServices", "Disabling services with a reason."),
        ("os-extended-services-delete", "ExtendedServicesDelete", "Deleting services."),
        ("os-extended-status", "ExtendedStatus", "A server's vm, task and power states."),
        ("os-extended-volumes", "ExtendedVolumes", "A server's attached volumes."), ("os-fixed-ips", "FixedIPs", "Fixed addresses."),
        ("os-flavor-access", "FlavorAccess", "Private flavors and who may use them."),
        ("os-flavor-extra-specs", "FlavorExtraSpecs", "Flavor extra specs."), ("os-flavor-manage", "FlavorManage", "Creating and deleting flavors."),
        ("os-flavor-rxtx", "FlavorRxtx", "A flavor's network bandwidth factor."), ("os-flavor-swap", "FlavorSwap", "A flavor's swap disk."),
        ("os-floating-ip-dns", "FloatingIpDns", "DNS entries for floating IPs."), ("os-floating-ip-pools", "FloatingIpPools", "Floating IP pools."),
        ("os-floating-ips", "FloatingIps", "Floating IPs."), ("os-floating-ips-bulk", "FloatingIpsBulk", "Floating IPs in bulk."),
        ("os-fping", "Fping", "Pinging servers."), ("os-hide-server-addresses", "HideServerAddresses", "Hiding addresses in some states."),
        ("os-hosts", "Hosts", "Admin-only physical hosts."), ("os-hypervisor-status", "HypervisorStatus", "A hypervisor's state and status."),
        ("os-hypervisors", "Hypervisors", "Admin-only hypervisors."), ("os-instance-actions", "InstanceActions", "What was done to a server."),
        ("os-instance_usage_audit_log", "OSInstanceUsageAuditLog", "Admin-only usage audit log."), ("os-keypairs", "Keypairs", "Keypairs."),
        ("os-lock-server", "LockServer", "Locking servers."), ("os-migrate-server", "MigrateServer", "Cold and live migration."),
        ("os-migrations", "Migrations", "Migrations."), ("os-multiple-create", "MultipleCreate", "Creating several servers at once."),
        ("os-networks", "Networks", "Networks."), ("os-networks-associate", "NetworkAssociationSupport", "Associating networks with projects."),
        ("os-pause-server", "PauseServer", "Pausing servers."), ("os-personality", "Personality", "Files injected at create."),
        ("os-preserve-ephemeral-rebuild", "PreserveEphemeralOnRebuild", "Keeping the ephemeral disk on rebuild."),
        ("os-quota-class-sets", "QuotaClasses", "Quota classes."), ("os-quota-sets", "Quotas", "Quotas."), ("os-rescue", "Rescue", "Rescue mode."),
        ("os-security-group-default-rules", "SecurityGroupDefaultRules", "Default security group rules."),
        ("os-security-groups", "SecurityGroups", "Security groups."),
        ("os-server-diagnostics", "ServerDiagnostics", "Admin-only server diagnostics."),
        ("os-server-external-events", "ServerExternalEvents", "Events from other services."),
        ("os-server-group-quotas", "ServerGroupQuotas", "Quotas on server groups."), ("os-server-groups", "ServerGroups", "Server groups."),
        ("os-server-list-multi-status", "ServerListMultiStatus", "Filtering servers by several statuses."),
        ("os-server-password", "ServerPassword", "Encrypted server passwords."),
        ("os-server-sort-keys", "ServerSortKeys", "Sorting server lists."),
        ("os-server-start-stop", "ServerStartStop", "Starting and stopping servers."),
        ("os-services", "Services", "Services."), ("os-shelve", "Shelve", "Shelving servers."),
        ("os-simple-tenant-usage", "SimpleTenantUsage", "Usage per project."), ("os-suspend-server", "SuspendServer", "Suspending servers."),
        ("os-tenant-networks", "OSTenantNetworks", "Networks per project."), ("os-used-limits", "UsedLimits", "What a project uses of its limits."),
        ("os-used-limits-for-admin", "UsedLimitsForAdmin", "Admins reading other projects' usage."),
        ("os-user-data", "UserData", "User data at server create."), ("os-user-quotas", "UserQuotas", "Quotas per user."),
        ("os-virtual-interfaces", "VirtualInterfaces", "A server's virtual interfaces."),
        ("os-volume-attachment-update", "VolumeAttachmentUpdate", "Updating volume attachments."), ("os-volumes", "Volumes", "Volumes."),
    ]

    /// Nova's catalog entries as descriptors, with its placeholder namespace and date.
    public static var descriptors: [ExtensionDescriptor] {
        entries.map {
            ExtensionDescriptor(
                name: $0.name, alias: $0.alias, namespace: "http://docs.openstack.org/compute/ext/fake_xml", updated: "2014-12-03T00:00:00Z",
                description: $0.summary)
        }
    }
}
