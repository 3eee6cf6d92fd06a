/// What the lifecycle engine asks a hypervisor to do; one call per driver step.
public protocol ComputeDriver: Sendable {
    /// Runs `action`'s work for `instance` on `host`; throws to report failure.
    func perform(_ action: DriverStep, instance: String, host: String) async throws
}

/// The hypervisor operations the fake driver simulates.
public enum DriverStep: String, Sendable, CaseIterable {
    case spawn, powerOff = "power_off", powerOn = "power_on", reboot, pause, unpause, suspend, resume
    case migrate, finishResize = "finish_resize", confirmResize = "confirm_resize", revertResize = "revert_resize"
    case snapshot, rebuild, destroy, setAdminPassword = "set_admin_password"
    case shelve, shelveOffload = "shelve_offload", rescue, unrescue, liveMigration = "live_migration"
}

/// A driver step that failed on purpose or for real; the engine records it as the instance fault.
public struct DriverFailure: Error, Sendable, Equatable {
    public let step: DriverStep
    public let message: String

    public init(step: DriverStep, message: String) {
        self.step = step
        self.message = message
    }
}
