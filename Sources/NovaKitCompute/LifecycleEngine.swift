/// Runs instance actions: the API's `submit` validates and records the task at once, then the driver
/// steps run in the background and the instance lands in its final (or ERROR) state. `recover` is
/// called at start so that nothing a crash interrupted stays stuck.
public actor LifecycleEngine {
    let driver: any ComputeDriver
    let store: any InstanceStateStore
    let journal: any LifecycleJournal
    private var running: [String: Task<Void, Never>] = [:]
    /// Instances whose submit is between reading and storing their state (the actor is reentrant at awaits).
    private var accepting: Set<String> = []

    public init(driver: any ComputeDriver, store: any InstanceStateStore, journal: any LifecycleJournal = SilentJournal()) {
        self.driver = driver
        self.store = store
        self.journal = journal
    }

    /// Instance not known to the store.
    public struct UnknownInstance: Error, Sendable, Equatable { public let id: String }

    /// Validates `action` (state first, then lock), stores the accepted task and starts the work.
    @discardableResult
    public func submit(_ action: InstanceAction, instance: String, isAdmin: Bool) async throws -> LifecycleRecord {
        while accepting.contains(instance) { try await Task.sleep(for: .milliseconds(1)) }
        accepting.insert(instance)
        defer { accepting.remove(instance) }
        guard var record = try await store.record(instance) else { throw UnknownInstance(id: instance) }
        let (accepted, effect) = try InstanceStateMachine.accept(action, from: record.state, locked: record.locked, isAdmin: isAdmin)
        if ![.confirmResize, .revertResize].contains(action) { record.previous = record.state.vm }
        record.state = accepted
        if action == .lock { record.locked = true }
        if action == .unlock { record.locked = false }
        try await store.save(instance, record)
        if let status = MigrationStatus.accepted(action) { try await journal.migration(instance, status: status) }
        if case .drive(let driven) = effect { start(driven, instance: instance) }
        return record
    }

    /// Redoes or settles every instance found mid-task (called once at start).
    public func recover() async throws {
        for instance in try await store.unsettled() {
            guard var record = try await store.record(instance) else { continue }
            switch InstanceStateMachine.recover(record.state, previous: record.previous) {
            case .redo(let action):
                record.state.task = action.acceptedTask
                try await store.save(instance, record)
                start(action, instance: instance)
            case .settle(let state, let fault):
                let interruptedMove = [.resizePrep, .resizeMigrating, .resizeMigrated, .resizeFinish, .migrating].contains(record.state.task)
                record.state = state
                record.fault = fault ?? record.fault
                if interruptedMove {
                    // The move never finished: the instance stays where it was and its migration is marked failed.
                    try await store.finish(instance, record, after: .resize, failed: true)
                    try await journal.migration(instance, status: .error)
                } else {
                    try await store.save(instance, record)
                }
            case .none:
                break
            }
        }
    }

    /// Waits until no work is in flight (tests, graceful shutdown).
    public func idle() async {
        while let (_, task) = running.first {
            await task.value
        }
    }

    private func start(_ action: InstanceAction, instance: String) {
        running[instance] = Task { [driver, store, journal] in
            await Self.drive(action, instance: instance, driver: driver, store: store, journal: journal)
            self.finished(instance)
        }
    }

    private func finished(_ instance: String) { running[instance] = nil }

    /// The driver steps of an action, each with the task_state shown while it runs.
    static func plan(_ action: InstanceAction) -> [(DriverStep, TaskState?)] {
        switch action {
        case .build: [(.spawn, .spawning)]
        case .resize, .migrate: [(.migrate, .resizeMigrating), (.finishResize, .resizeFinish)]
        case .confirmResize: [(.confirmResize, nil)]
        case .revertResize: [(.revertResize, nil)]
        case .softReboot, .hardReboot: [(.reboot, nil)]
        case .start: [(.powerOn, nil)]
        case .stop: [(.powerOff, nil)]
        case .pause: [(.pause, nil)]
        case .unpause: [(.unpause, nil)]
        case .suspend: [(.suspend, nil)]
        case .resume: [(.resume, nil)]
        case .createImage: [(.snapshot, .imageUploading)]
        case .rebuild: [(.rebuild, .rebuildSpawning)]
        case .restore: [(.powerOn, nil)]
        case .forceDelete, .delete: [(.destroy, nil)]
        case .softDelete: [(.powerOff, nil)]
        case .changePassword: [(.setAdminPassword, nil)]
        case .lock, .unlock, .resetState: []
        }
    }

    private static func drive(
        _ action: InstanceAction, instance: String, driver: any ComputeDriver, store: any InstanceStateStore, journal: any LifecycleJournal
    ) async {
        do {
            // Every write re-reads the record, so changes made meanwhile (a lock, a host) are kept.
            func update(_ change: (inout LifecycleRecord) -> Void) async throws -> LifecycleRecord? {
                guard var record = try await store.record(instance) else { return nil }
                change(&record)
                return record
            }
            guard let started = try await store.record(instance) else { return }
            var failure: String?
            for (step, task) in plan(action) {
                if let task, let record = try await update({ $0.state.task = task }) {
                    try await store.save(instance, record)
                }
                try await journal.stepStarted(instance, action: action, step: step)
                if let status = MigrationStatus.after(step, of: action, started: true, failed: false) {
                    try await journal.migration(instance, status: status)
                }
                do {
                    try await driver.perform(step, instance: instance, host: started.host)
                } catch {
                    failure = (error as? DriverFailure)?.message ?? "\(step.rawValue) failed"
                }
                try await journal.stepFinished(instance, action: action, step: step, failure: failure)
                if let status = MigrationStatus.after(step, of: action, started: false, failed: failure != nil) {
                    try await journal.migration(instance, status: status)
                }
                if failure != nil { break }
            }
            let finished = try await update { record in
                record.state = InstanceStateMachine.complete(action, from: record.state, failed: failure != nil, previous: record.previous)
                if let failure { record.fault = failure }
            }
            if let finished { try await store.finish(instance, finished, after: action, failed: failure != nil) }
        } catch {
            // The store itself failed; the next start's recovery settles the instance.
        }
    }
}
