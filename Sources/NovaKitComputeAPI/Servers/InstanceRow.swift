import Foundation
import NovaKitCompute
import NovaKitStorage

/// One row of `instances` as the API reads it; the columns are the coding keys.
struct InstanceRow: StoredRow {
    static let table = "instances"
    static let columns = CodingKeys.allCases.map(\.rawValue)

    var id: Int
    var uuid: String
    var displayName: String
    var displayDescription: String?
    var hostname: String?
    var projectID: String
    var userID: String
    var imageRef: String?
    var flavor: String
    var oldFlavor: String?
    var newFlavor: String?
    var vmState: String
    var taskState: String?
    var powerState: Int
    var previousVMState: String?
    var locked: Bool
    var lockedBy: String?
    var lockedReason: String?
    var host: String?
    var keyName: String?
    var userData: String?
    var availabilityZone: String?
    var reservationID: String?
    var launchIndex: Int?
    var accessIPv4: String?
    var accessIPv6: String?
    var networkInfo: String?
    var configDrive: String?
    var securityGroups: String?
    var autoDiskConfig: Bool?
    var launchedAt: Date?
    var terminatedAt: Date?
    var createdAt: Date
    var updatedAt: Date?
    var deleted: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, uuid, hostname, flavor, locked, host, deleted
        case displayName = "display_name", displayDescription = "display_description", projectID = "project_id", userID = "user_id"
        case imageRef = "image_ref", oldFlavor = "old_flavor", newFlavor = "new_flavor", vmState = "vm_state", taskState = "task_state"
        case powerState = "power_state", previousVMState = "previous_vm_state", lockedBy = "locked_by", lockedReason = "locked_reason"
        case keyName = "key_name", userData = "user_data", availabilityZone = "availability_zone", reservationID = "reservation_id"
        case launchIndex = "launch_index", accessIPv4 = "access_ip_v4", accessIPv6 = "access_ip_v6", networkInfo = "network_info", configDrive =
            "config_drive", securityGroups = "security_groups", autoDiskConfig = "auto_disk_config"
        case launchedAt = "launched_at", terminatedAt = "terminated_at", createdAt = "created_at", updatedAt = "updated_at"
    }
}

extension Server {
    /// The server a stored row describes (metadata, tags and fault come from their own tables).
    init(_ row: InstanceRow) {
        self.init(
            rowID: row.id, id: row.uuid, name: row.displayName, description: row.displayDescription, hostname: row.hostname,
            projectID: row.projectID, userID: row.userID, imageRef: row.imageRef,
            flavor: FlavorSnapshot.parse(row.flavor) ?? .unreadable, oldFlavor: FlavorSnapshot.parse(row.oldFlavor),
            newFlavor: FlavorSnapshot.parse(row.newFlavor),
            state: InstanceState(
                VMState(rawValue: row.vmState) ?? .error, task: row.taskState.flatMap(TaskState.init(rawValue:)),
                power: PowerState(rawValue: row.powerState) ?? .noState),
            locked: row.locked, lockedBy: row.lockedBy, lockedReason: row.lockedReason, host: row.host, keyName: row.keyName,
            userData: row.userData, availabilityZone: row.availabilityZone, reservationID: row.reservationID ?? "",
            launchIndex: row.launchIndex ?? 0, accessIPv4: row.accessIPv4 ?? "", accessIPv6: row.accessIPv6 ?? "",
            addresses: NetworkAddress.parse(row.networkInfo), launchedAt: row.launchedAt, terminatedAt: row.terminatedAt,
            createdAt: row.createdAt, updatedAt: row.updatedAt, deleted: row.deleted != 0,
            previousVMState: row.previousVMState.flatMap(VMState.init(rawValue:)), configDrive: row.configDrive == "True",
            securityGroups: SecurityGroupNames.parse(row.securityGroups), autoDiskConfig: row.autoDiskConfig ?? false)
    }
}
