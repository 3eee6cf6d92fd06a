/// Nova's `vm_state`: what the instance is, at rest.
public enum VMState: String, Sendable, CaseIterable {
    case active, building, paused, suspended, stopped, rescued, resized, error, deleted
    case softDeleted = "soft-delete"
    case shelved
    case shelvedOffloaded = "shelved_offloaded"
}

/// Nova's `task_state`: the operation in flight, if any.
public enum TaskState: String, Sendable, CaseIterable {
    case scheduling, spawning, networking
    case rebooting, rebootPending = "reboot_pending", rebootStarted = "reboot_started"
    case rebootingHard = "rebooting_hard", rebootPendingHard = "reboot_pending_hard", rebootStartedHard = "reboot_started_hard"
    case pausing, unpausing, suspending, resuming
    case poweringOff = "powering-off", poweringOn = "powering-on"
    case rebuilding, rebuildBlockDeviceMapping = "rebuild_block_device_mapping", rebuildSpawning = "rebuild_spawning"
    case migrating
    case resizePrep = "resize_prep", resizeMigrating = "resize_migrating", resizeMigrated = "resize_migrated"
    case resizeFinish = "resize_finish", resizeReverting = "resize_reverting", resizeConfirming = "resize_confirming"
    case imageSnapshot = "image_snapshot", imageSnapshotPending = "image_snapshot_pending"
    case imagePendingUpload = "image_pending_upload", imageUploading = "image_uploading"
    case deleting, restoring
    case softDeleting = "soft-deleting"
    case updatingPassword = "updating_password"
    case shelving, shelvingImagePendingUpload = "shelving_image_pending_upload", shelvingImageUploading = "shelving_image_uploading"
    case shelvingOffloading = "shelving_offloading", unshelving
    case rescuing, unrescuing
}

extension TaskState {
    /// A resize or cold migration under way (its migration record is open).
    public var isMove: Bool { [.resizePrep, .resizeMigrating, .resizeMigrated, .resizeFinish, .migrating].contains(self) }
}

/// Nova's `power_state` integers.
public enum PowerState: Int, Sendable, CaseIterable {
    case noState = 0, running = 1, paused = 3, shutdown = 4, crashed = 6, suspended = 7
}

/// Where an instance is in its lifecycle.
public struct InstanceState: Sendable, Hashable, CustomStringConvertible {
    public var vm: VMState
    public var task: TaskState?
    public var power: PowerState

    public init(_ vm: VMState, task: TaskState? = nil, power: PowerState) {
        self.vm = vm
        self.task = task
        self.power = power
    }

    public var description: String { "\(vm.rawValue)/\(task?.rawValue ?? "-")/\(power.rawValue)" }

    /// Whether work is in flight: a task, or a build not yet done (what recovery and leases look at;
    /// `SQLInstanceStateStore.unsettledCondition` says the same in SQL).
    public var isUnsettled: Bool { task != nil || vm == .building }

    /// The API `status` Nova derives from vm_state and task_state.
    public var status: String {
        switch vm {
        case .active:
            switch task {
            case .rebooting, .rebootPending, .rebootStarted: "REBOOT"
            case .rebootingHard, .rebootPendingHard, .rebootStartedHard: "HARD_REBOOT"
            case .updatingPassword: "PASSWORD"
            case .rebuilding, .rebuildBlockDeviceMapping, .rebuildSpawning: "REBUILD"
            case .migrating: "MIGRATING"
            case .resizePrep, .resizeMigrating, .resizeMigrated, .resizeFinish: "RESIZE"
            default: "ACTIVE"
            }
        case .building: "BUILD"
        case .stopped:
            switch task {
            case .resizePrep, .resizeMigrating, .resizeMigrated, .resizeFinish: "RESIZE"
            case .rebuilding, .rebuildBlockDeviceMapping, .rebuildSpawning: "REBUILD"
            default: "SHUTOFF"
            }
        case .resized: task == .resizeReverting ? "REVERT_RESIZE" : "VERIFY_RESIZE"
        case .paused: task == .migrating ? "MIGRATING" : "PAUSED"
        case .suspended: "SUSPENDED"
        case .rescued: "RESCUE"
        case .error:
            switch task {
            case .rebuilding, .rebuildBlockDeviceMapping, .rebuildSpawning: "REBUILD"
            default: "ERROR"
            }
        case .deleted: "DELETED"
        case .softDeleted: "SOFT_DELETED"
        case .shelved: "SHELVED"
        case .shelvedOffloaded: "SHELVED_OFFLOADED"
        }
    }
}

extension TaskState {
    /// How far the action showing this task has got, in percent (`nil`: not a stage of any action's work).
    public var progress: Int? { InstanceActionRule.progressByTask[self] }
}
