/// Why an action was refused by the state machine (rendered by the API as 409).
public enum StateRefusal: Error, Sendable, Equatable {
    /// `Cannot '<action>' instance <id> while it is in <attribute> <state>`
    case invalidState(action: String, attribute: String, state: String)
    /// `Instance <id> is locked`
    case locked

    /// The fault message for instance `id`.
    public func message(instance id: String) -> String {
        switch self {
        case .invalidState(let action, let attribute, let state): "Cannot '\(action)' instance \(id) while it is in \(attribute) \(state)"
        case .locked: "Instance \(id) is locked"
        }
    }
}

/// What the outside world must do after a transition; the machine itself does no I/O.
public enum InstanceEffect: Sendable, Hashable {
    /// Run this driver operation asynchronously, then report back with `complete`.
    case drive(InstanceAction)
    /// Nothing to run (the transition is complete).
    case none
}

/// Nova's instance lifecycle as a pure value: accept an action (validate, set the task at once),
/// then complete it (success or failure) into the final states.
public enum InstanceStateMachine {
    /// Validates `action` against the instance's states and lock (state first, as the seed requires),
    /// returning the state to store at once and the effect to run.
    public static func accept(
        _ action: InstanceAction, from state: InstanceState, locked: Bool, isAdmin: Bool
    ) throws(StateRefusal) -> (InstanceState, InstanceEffect) {
        if let allowed = action.allowedVMStates, !allowed.contains(state.vm) {
            throw .invalidState(action: action.apiName, attribute: "vm_state", state: state.vm.rawValue)
        }
        if let allowed = action.allowedTaskStates, !allowed.contains(state.task) {
            throw .invalidState(action: action.apiName, attribute: "task_state", state: state.task?.rawValue ?? "None")
        }
        if action.isLockChecked && locked && !isAdmin { throw .locked }
        guard let task = action.acceptedTask else { return (state, .none) }
        var next = state
        next.task = task
        return (next, .drive(action))
    }

    /// The state after the driver finished `action` on an instance in `state`: the rule's success landing, or
    /// its failure landing when `failed` (ERROR for most; a failed move returns to its earlier vm_state).
    public static func complete(_ action: InstanceAction, from state: InstanceState, failed: Bool, previous: VMState) -> InstanceState {
        let rule = action.rule
        return InstanceActionRule.land(failed ? rule.failure : rule.success, from: state, previous: previous)
    }
}
