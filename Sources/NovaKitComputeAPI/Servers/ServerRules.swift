import NovaKitAPI
import NovaKitCore
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// Every policy rule of the servers API and the APIs nested under it, as Nova names them.
enum ServerRules {
    static let index = ownerRule("servers:index")
    static let detail = ownerRule("servers:detail")
    static let show = ownerRule("servers:show")
    static let create = ownerRule("servers:create")
    static let update = ownerRule("servers:update")
    static let delete = ownerRule("servers:delete")
    static let indexAllTenants = adminRule("servers:index:get_all_tenants", "List servers of all projects.")
    static let detailAllTenants = adminRule("servers:detail:get_all_tenants", "List servers of all projects.")
    static let allowAllFilters = adminRule("servers:allow_all_filters", "Use admin-only list filters (host, …).")
    static let extendedAttributes = adminRule("servers:show:extended_attributes", "See OS-EXT-SRV-ATTR:* fields.")
    static let hostStatus = adminRule("servers:show:host_status", "See host_status (2.16+).")

    static let ipsIndex = ownerRule("ips:index")
    static let ipsShow = ownerRule("ips:show")
    static let interfacesList = ownerRule("os-attach-interfaces:list")
    static let interfacesShow = ownerRule("os-attach-interfaces:show")
    static let interfacesCreate = ownerRule("os-attach-interfaces:create")
    static let interfacesDelete = ownerRule("os-attach-interfaces:delete")
    static let injectNetworkInfo = adminRule("os-admin-actions:inject_network_info", "Inject network information into a server.")

    static let resize = ownerRule("servers:resize")
    static let confirmResize = ownerRule("servers:confirm_resize")
    static let revertResize = ownerRule("servers:revert_resize")
    static let reboot = ownerRule("servers:reboot")
    static let start = ownerRule("servers:start")
    static let stop = ownerRule("servers:stop")
    static let rebuild = ownerRule("servers:rebuild")
    static let createImage = ownerRule("servers:create_image")
    static let createBackup = ownerRule("os-create-backup")
    static let consoleOutput = ownerRule("os-console-output")
    static let rescue = ownerRule("os-rescue")
    static let triggerCrashDump = ownerRule("servers:trigger_crash_dump")
    static let evacuate = adminRule("os-evacuate", "Evacuate a server from a failed host.")
    static let migrateLive = adminRule("os-migrate-server:migrate_live", "Live-migrate a server.")
    static let unrescue = ownerRule("os-unrescue")
    static let shelve = ownerRule("os-shelve:shelve")
    static let shelveOffload = adminRule("os-shelve:shelve_offload", "Offload a shelved server from its host.")
    static let unshelve = ownerRule("os-shelve:unshelve")
    static let unshelveToHost = adminRule("os-shelve:unshelve_to_host", "Unshelve a server onto a chosen host (2.91).")
    static let pause = ownerRule("os-pause-server:pause")
    static let unpause = ownerRule("os-pause-server:unpause")
    static let suspend = ownerRule("os-suspend-server:suspend")
    static let resume = ownerRule("os-suspend-server:resume")
    static let lock = ownerRule("os-lock-server:lock")
    static let unlock = ownerRule("os-lock-server:unlock")
    static let restore = ownerRule("os-deferred-delete:restore")
    static let forceDelete = ownerRule("os-deferred-delete:force")
    static let changePassword = ownerRule("os-admin-password")
    static let unlockOverride = adminRule("os-lock-server:unlock:unlock_override", "Unlock a server an admin locked.")
    static let migrate = adminRule("os-migrate-server:migrate", "Cold-migrate a server.")
    static let resetState = adminRule("os-admin-actions:reset_state", "Reset a server's state.")

    static let metadataIndex = ownerRule("server-metadata:index")
    static let metadataShow = ownerRule("server-metadata:show")
    static let metadataCreate = ownerRule("server-metadata:create")
    static let metadataUpdate = ownerRule("server-metadata:update")
    static let metadataUpdateAll = ownerRule("server-metadata:update_all")
    static let metadataDelete = ownerRule("server-metadata:delete")

    static let tagsIndex = ownerRule("os-server-tags:index")
    static let tagsShow = ownerRule("os-server-tags:show")
    static let tagsUpdate = ownerRule("os-server-tags:update")
    static let tagsUpdateAll = ownerRule("os-server-tags:update_all")
    static let tagsDelete = ownerRule("os-server-tags:delete")
    static let tagsDeleteAll = ownerRule("os-server-tags:delete_all")

    static let all: [PolicyDefault] = [
        index, detail, show, create, update, delete, indexAllTenants, detailAllTenants, allowAllFilters, extendedAttributes, hostStatus,
        resize, confirmResize, revertResize, reboot, start, stop, rebuild, createImage, createBackup, pause, unpause, suspend, resume, lock, unlock,
        restore, forceDelete, changePassword, unlockOverride, migrate, resetState, shelve, shelveOffload, unshelve, unshelveToHost, consoleOutput,
        rescue, unrescue, migrateLive, triggerCrashDump, evacuate, ipsIndex, ipsShow, injectNetworkInfo, interfacesList,
        interfacesShow, interfacesCreate, interfacesDelete,
        metadataIndex, metadataShow, metadataCreate, metadataUpdate, metadataUpdateAll, metadataDelete,
        tagsIndex, tagsShow, tagsUpdate, tagsUpdateAll, tagsDelete, tagsDeleteAll,
    ]

    private static func ownerRule(_ name: String) -> PolicyDefault { PolicyDefault("os_compute_api:\(name)", "rule:admin_or_owner") }
    private static func adminRule(_ name: String, _ description: String) -> PolicyDefault {
        PolicyDefault("os_compute_api:\(name)", "rule:admin_api", description: description)
    }
}
