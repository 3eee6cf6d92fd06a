/// Nova's migration record statuses: resizes and cold migrations (pre-migrating … finished, confirmed,
/// reverted), live migrations (accepted, running, completed).
public enum MigrationStatus: String, Sendable, CaseIterable {
    case preMigrating = "pre-migrating", migrating, postMigrating = "post-migrating", finished
    case confirming, confirmed, reverting, reverted, error
    case accepted, running, completed, done
    /// A live migration aborted while it ran: the server stays where it was.
    case cancelled

    /// The status when the API accepts `action` (a new record for resize/migrate), or `nil` if it has none.
    public static func accepted(_ action: InstanceAction) -> MigrationStatus? {
        switch action {
        case .resize, .migrate: .preMigrating
        case .confirmResize: .confirming
        case .revertResize: .reverting
        case .liveMigrate, .evacuate, .evacuateStopped: .accepted
        default: nil
        }
    }

    /// The status while or after a driver step of `action` runs; `nil` when the step does not move it.
    public static func after(_ step: DriverStep, of action: InstanceAction, started: Bool, failed: Bool) -> MigrationStatus? {
        if failed { return accepted(action) == nil ? nil : .error }
        switch (action, step, started) {
        case (.resize, .migrate, true), (.migrate, .migrate, true): return .migrating
        case (.resize, .migrate, false), (.migrate, .migrate, false): return .postMigrating
        case (.resize, .finishResize, false), (.migrate, .finishResize, false): return .finished
        case (.confirmResize, .confirmResize, false): return .confirmed
        case (.revertResize, .revertResize, false): return .reverted
        case (.liveMigrate, .liveMigration, true): return .running
        case (.liveMigrate, .liveMigration, false): return .completed
        case (.evacuate, .rebuild, false), (.evacuateStopped, .rebuild, false): return .done
        default: return nil
        }
    }
}

/// What the engine reports as an action runs: instance-action events and migration progress.
public protocol LifecycleJournal: Sendable {
    /// A driver step began (Nova's `compute_<step>` event starts).
    func stepStarted(_ instance: String, action: InstanceAction, step: DriverStep) async throws
    /// A driver step ended; `failure` is its message when it failed.
    func stepFinished(_ instance: String, action: InstanceAction, step: DriverStep, failure: String?) async throws
    /// The instance's open migration moved to `status`.
    func migration(_ instance: String, status: MigrationStatus) async throws
}

/// Keeps nothing: the default when no one listens.
public struct SilentJournal: LifecycleJournal {
    public init() {}
    public func stepStarted(_ instance: String, action: InstanceAction, step: DriverStep) async throws {}
    public func stepFinished(_ instance: String, action: InstanceAction, step: DriverStep, failure: String?) async throws {}
    public func migration(_ instance: String, status: MigrationStatus) async throws {}
}

/// Records every report in order, for tests.
public actor RecordingJournal: LifecycleJournal {
    public private(set) var entries: [String] = []

    public init() {}

    public func stepStarted(_ instance: String, action: InstanceAction, step: DriverStep) {
        entries.append("\(instance) start compute_\(step.rawValue)")
    }

    public func stepFinished(_ instance: String, action: InstanceAction, step: DriverStep, failure: String?) {
        entries.append("\(instance) finish compute_\(step.rawValue) \(failure == nil ? "Success" : "Error")")
    }

    public func migration(_ instance: String, status: MigrationStatus) {
        entries.append("\(instance) migration \(status.rawValue)")
    }
}
