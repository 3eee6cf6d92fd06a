/// What start-up does with an instance it finds mid-task (Nova's compute manager `_init_instance`):
/// nothing stays stuck — work is either done again or settled with a fault.
public enum RecoveryDecision: Sendable, Equatable {
    /// Run the interrupted action again from the start.
    case redo(InstanceAction)
    /// Store this state; record `fault` when it is not `nil`.
    case settle(InstanceState, fault: String?)
    /// Nothing was in flight.
    case none
}

extension InstanceStateMachine {
    /// The recovery for an instance found in `state` after a restart; `previous` is its vm_state before
    /// the interrupted action (for resizes and rebuilds).
    public static func recover(_ state: InstanceState, previous: VMState) -> RecoveryDecision {
        guard let task = state.task else {
            return state.vm == .building
                ? .settle(InstanceState(.error, power: .noState), fault: "Instance build was interrupted by a restart of NovaKit.")
                : .none
        }
        switch task {
        case .scheduling, .spawning, .networking, .rebuilding, .rebuildBlockDeviceMapping, .rebuildSpawning:
            return .settle(InstanceState(.error, power: state.power), fault: "Operation \(task.rawValue) was interrupted by a restart of NovaKit.")
        case .rebooting, .rebootPending, .rebootStarted: return .redo(.softReboot)
        case .rebootingHard, .rebootPendingHard, .rebootStartedHard: return .redo(.hardReboot)
        case .poweringOff: return .redo(.stop)
        case .poweringOn: return .redo(.start)
        case .pausing: return .redo(.pause)
        case .unpausing: return .redo(.unpause)
        case .suspending: return .redo(.suspend)
        case .resuming: return .redo(.resume)
        case .restoring: return .redo(.restore)
        case .deleting: return .redo(.delete)
        case .softDeleting: return .redo(.softDelete)
        case .resizeReverting: return .redo(.revertResize)
        case .resizeConfirming: return .redo(.confirmResize)
        case .resizePrep, .resizeMigrating, .resizeMigrated, .resizeFinish, .migrating:
            return .settle(InstanceState(previous, power: previous == .stopped ? .shutdown : .running), fault: nil)
        case .imageSnapshot, .imageSnapshotPending, .imagePendingUpload, .imageUploading, .updatingPassword:
            return .settle(InstanceState(state.vm, power: state.power), fault: nil)
        }
    }
}
