import Foundation
import NovaKitCompute
import NovaKitStorage
import SQLKit

/// One row of `instances` as the API reads it; the columns are the coding keys.
struct InstanceRow: StoredRow, Equatable {
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

    /// In the order of the properties, which is the order `init(row:)` reads them in.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, uuid, displayName = "display_name", displayDescription = "display_description", hostname, projectID = "project_id"
        case userID = "user_id", imageRef = "image_ref", flavor, oldFlavor = "old_flavor", newFlavor = "new_flavor", vmState = "vm_state"
        case taskState = "task_state", powerState = "power_state", previousVMState = "previous_vm_state", locked, lockedBy = "locked_by"
        case lockedReason = "locked_reason", host, keyName = "key_name", userData = "user_data", availabilityZone = "availability_zone"
        case reservationID = "reservation_id", launchIndex = "launch_index", accessIPv4 = "access_ip_v4", accessIPv6 = "access_ip_v6"
        case networkInfo = "network_info", configDrive = "config_drive", securityGroups = "security_groups", autoDiskConfig = "auto_disk_config"
        case launchedAt = "launched_at", terminatedAt = "terminated_at", createdAt = "created_at", updatedAt = "updated_at", deleted
    }

    /// Its columns read directly: a detail page decodes a hundred rows of 35 columns, and going through a
    /// `Decoder` (a container per row, a generic call per column, a generic cast per date) was a seventh of its
    /// CPU. They are read in select order (`columns`), each found where the last one was. Writes still encode
    /// through `Codable`.
    init(row: any SQLRow) throws {
        let c = StoredColumns(row, inSelectOrder: true)
        id = try c.int(CodingKeys.id.rawValue)
        uuid = try c.string(CodingKeys.uuid.rawValue)
        displayName = try c.string(CodingKeys.displayName.rawValue)
        displayDescription = try c.optionalString(CodingKeys.displayDescription.rawValue)
        hostname = try c.optionalString(CodingKeys.hostname.rawValue)
        projectID = try c.string(CodingKeys.projectID.rawValue)
        userID = try c.string(CodingKeys.userID.rawValue)
        imageRef = try c.optionalString(CodingKeys.imageRef.rawValue)
        flavor = try c.string(CodingKeys.flavor.rawValue)
        oldFlavor = try c.optionalString(CodingKeys.oldFlavor.rawValue)
        newFlavor = try c.optionalString(CodingKeys.newFlavor.rawValue)
        vmState = try c.string(CodingKeys.vmState.rawValue)
        taskState = try c.optionalString(CodingKeys.taskState.rawValue)
        powerState = try c.int(CodingKeys.powerState.rawValue)
        previousVMState = try c.optionalString(CodingKeys.previousVMState.rawValue)
        locked = try c.bool(CodingKeys.locked.rawValue)
        lockedBy = try c.optionalString(CodingKeys.lockedBy.rawValue)
        lockedReason = try c.optionalString(CodingKeys.lockedReason.rawValue)
        host = try c.optionalString(CodingKeys.host.rawValue)
        keyName = try c.optionalString(CodingKeys.keyName.rawValue)
        userData = try c.optionalString(CodingKeys.userData.rawValue)
        availabilityZone = try c.optionalString(CodingKeys.availabilityZone.rawValue)
        reservationID = try c.optionalString(CodingKeys.reservationID.rawValue)
        launchIndex = try c.optionalInt(CodingKeys.launchIndex.rawValue)
        accessIPv4 = try c.optionalString(CodingKeys.accessIPv4.rawValue)
        accessIPv6 = try c.optionalString(CodingKeys.accessIPv6.rawValue)
        networkInfo = try c.optionalString(CodingKeys.networkInfo.rawValue)
        configDrive = try c.optionalString(CodingKeys.configDrive.rawValue)
        securityGroups = try c.optionalString(CodingKeys.securityGroups.rawValue)
        autoDiskConfig = try c.optionalBool(CodingKeys.autoDiskConfig.rawValue)
        launchedAt = try c.optionalDate(CodingKeys.launchedAt.rawValue)
        terminatedAt = try c.optionalDate(CodingKeys.terminatedAt.rawValue)
        createdAt = try c.date(CodingKeys.createdAt.rawValue)
        updatedAt = try c.optionalDate(CodingKeys.updatedAt.rawValue)
        deleted = try c.int(CodingKeys.deleted.rawValue)
    }
}

extension Server {
    /// The server a stored row describes (metadata, tags and fault come from their own tables). The row is
    /// consumed: its texts move into the server rather than being copied out of a row released afterwards.
    init(_ row: consuming InstanceRow) {
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
