/// The operations the API starts on an instance, each with Nova's preconditions.
public enum InstanceAction: String, Sendable, CaseIterable {
    /// Creating the instance: scheduling and spawning a new server.
    case build
    case resize, confirmResize, revertResize, softReboot, hardReboot, start, stop, pause, unpause, suspend, resume
    case lock, unlock, createImage, rebuild, migrate, resetState, forceDelete, restore, delete, changePassword
    /// DELETE with a reclaim interval: the instance is powered off and kept, restorable, until reclaimed.
    case softDelete

    /// The name Nova puts in `Cannot '<action>' instance …` messages and instance-action records.
    public var apiName: String {
        switch self {
        case .build: "create"
        case .softReboot, .hardReboot: "reboot"
        case .start: "start"
        case .stop: "stop"
        case .softDelete: "delete"
        default: rawValue
        }
    }

    /// vm_states the action is allowed from (`nil`: any).
    public var allowedVMStates: Set<VMState>? {
        switch self {
        case .build: [.building]
        case .resize, .migrate: [.active, .stopped]
        case .confirmResize, .revertResize: [.resized]
        case .softReboot: [.active]
        case .hardReboot: [.active, .stopped, .paused, .suspended, .error]
        case .start: [.stopped]
        case .stop: [.active, .error]
        case .pause: [.active]
        case .unpause: [.paused]
        case .suspend: [.active]
        case .resume: [.suspended]
        case .createImage: [.active, .stopped, .paused, .suspended]
        case .rebuild: [.active, .stopped, .error]
        case .restore: [.softDeleted]
        case .changePassword: [.active]
        case .lock, .unlock, .resetState, .forceDelete, .delete, .softDelete: nil
        }
    }

    /// task_states the action is allowed from (`nil`: any); most require none in flight.
    public var allowedTaskStates: Set<TaskState?>? {
        switch self {
        case .hardReboot:
            [
                nil, .rebooting, .rebootPending, .rebootStarted, .rebootingHard, .rebootPendingHard, .rebootStartedHard, .pausing, .unpausing,
                .suspending, .resuming,
            ]
        case .lock, .unlock, .resetState, .forceDelete, .delete, .softDelete: nil
        default: [nil]
        }
    }

    /// Whether a lock set on the instance refuses the action to non-admins.
    public var isLockChecked: Bool {
        switch self {
        case .build, .lock, .unlock, .resetState, .resume: false
        default: true
        }
    }

    /// The task_state recorded the moment the API accepts the action (`nil`: none, e.g. lock).
    public var acceptedTask: TaskState? {
        switch self {
        case .build: .scheduling
        case .resize, .migrate: .resizePrep
        case .confirmResize: .resizeConfirming
        case .revertResize: .resizeReverting
        case .softReboot: .rebooting
        case .hardReboot: .rebootingHard
        case .start: .poweringOn
        case .stop: .poweringOff
        case .pause: .pausing
        case .unpause: .unpausing
        case .suspend: .suspending
        case .resume: .resuming
        case .createImage: .imageSnapshotPending
        case .rebuild: .rebuilding
        case .restore: .restoring
        case .forceDelete, .delete: .deleting
        case .softDelete: .softDeleting
        case .changePassword: .updatingPassword
        case .lock, .unlock, .resetState: nil
        }
    }
}
