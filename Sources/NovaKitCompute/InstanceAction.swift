/// The operations the API starts on an instance. Everything NovaKit knows about each one — Nova's name for
/// it, the states it starts from, the task it sets, its driver steps, where it lands and what a restart does
/// with it — is one entry of `InstanceActionRule.table`; a new action is one case, one entry and its handler.
public enum InstanceAction: String, Sendable, CaseIterable {
    /// Creating the instance: scheduling and spawning a new server.
    case build
    case resize, confirmResize, revertResize, softReboot, hardReboot, start, stop, pause, unpause, suspend, resume
    case lock, unlock, createImage, rebuild, migrate, resetState, forceDelete, restore, delete, changePassword
    /// Shelving: a snapshot, power off and — Nova's default `shelved_offload_time` of 0 — offloading from the host.
    case shelve, shelveOffload, unshelve
    /// Rescue mode: the server boots a rescue image with its disk attached, until unrescued.
    case rescue, unrescue
    /// Live migration: the running server moves to another host and stays as it was.
    case liveMigrate
    /// An NMI to the guest so it dumps its kernel (2.17); the states do not change.
    case triggerCrashDump
    /// Rebuilding a server of a failed host on another one (`evacuateStopped`: from 2.95, where it lands stopped).
    case evacuate, evacuateStopped
    /// DELETE with a reclaim interval: the instance is powered off and kept, restorable, until reclaimed.
    case softDelete

    /// The action's entry in the table.
    public var rule: InstanceActionRule {
        guard let rule = InstanceActionRule.table[self] else { preconditionFailure("InstanceActionRule.table has no entry for \(self)") }
        return rule
    }

    /// The name Nova puts in `Cannot '<action>' instance …` messages and instance-action records.
    public var apiName: String { rule.apiName ?? rawValue }
    /// vm_states the action is allowed from (`nil`: any).
    public var allowedVMStates: Set<VMState>? { rule.from }
    /// task_states the action is allowed from (`nil`: any); most require none in flight.
    public var allowedTaskStates: Set<TaskState?>? { rule.fromTasks }
    /// Whether a lock set on the instance refuses the action to non-admins.
    public var isLockChecked: Bool { rule.lockChecked }
    /// The task_state recorded the moment the API accepts the action (`nil`: none, e.g. lock).
    public var acceptedTask: TaskState? { rule.accepted }
}
