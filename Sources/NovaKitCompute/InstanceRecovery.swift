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
        guard let (action, recovery) = InstanceActionRule.recovering(task) else {
            return .settle(InstanceState(.error, power: state.power), fault: "Operation \(task.rawValue) was interrupted by a restart of NovaKit.")
        }
        switch recovery {
        case .redo: return .redo(action)
        case .fail:
            return .settle(InstanceState(.error, power: state.power), fault: "Operation \(task.rawValue) was interrupted by a restart of NovaKit.")
        case .restorePrevious: return .settle(InstanceActionRule.land(.previous, from: state, previous: previous), fault: nil)
        case .drop, .none: return .settle(InstanceActionRule.land(.unchanged, from: state, previous: previous), fault: nil)
        }
    }
}
