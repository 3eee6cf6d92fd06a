public import Logging

/// Runs instance actions: the API's `submit` validates and records the task at once, then the driver
/// steps run in the background and the instance lands in its final (or ERROR) state. `recover` is
/// called at start so that nothing a crash interrupted stays stuck.
public actor LifecycleEngine {
    let driver: any ComputeDriver
    let store: any InstanceStateStore
    let journal: any LifecycleJournal
    /// Which node works on which instance: renewed for the work running here, claimed before any recovery. Work
    /// accepted here runs here when this node holds it (`holds`), else it is handed to the node that does.
    let leases: any WorkLeases
    /// The work in flight per instance, with a token so a superseded task does not unregister its successor.
    private var running: [String: (token: Int, task: Task<Void, Never>)] = [:]
    private var nextToken = 0
    /// Instances whose submit is between reading and storing their state (the actor is reentrant at awaits).
    private var accepting: Set<String> = []

    let logger: Logger

    public init(
        driver: any ComputeDriver, store: any InstanceStateStore, journal: any LifecycleJournal = SilentJournal(),
        leases: any WorkLeases = NoWorkLeases(), logger: Logger = Logger(label: "novakit.compute")
    ) {
        self.driver = driver
        self.store = store
        self.journal = journal
        self.leases = leases
        self.logger = logger
    }

    /// Another writer (a request on another node, say) changed the instance between its check and its update:
    /// Nova's `UnexpectedTaskStateError`, a 409.
    public struct ConcurrentUpdate: Error, Sendable, Equatable {
        public let instance: String
        public let expected: InstanceState
        public let actual: InstanceState?

        public var message: String {
            let wanted = expected.task.map { "'\($0.rawValue)'" } ?? "None"
            let found = actual.map { $0.task.map { "'\($0.rawValue)'" } ?? "None" } ?? "None"
            return "Conflict updating instance \(instance). Expected: {'task_state': [\(wanted)]}. Actual: {'task_state': \(found)}"
        }
    }

    /// Instance not known to the store.
    public struct UnknownInstance: Error, Sendable, Equatable { public let id: String }

    /// Validates `action` (state first, then lock), stores the accepted task and starts the work.
    /// `current` is the instance as the caller already read it (the API's request did); without it the store
    /// is read. Either way the task is stored only if the instance is still in that state (one conditional
    /// update), so a stale read never overwrites. When the state changed in between (a build or a snapshot
    /// finished meanwhile), the action is judged again on the state now stored, as Nova's expected-task-state
    /// check accepts any state the action allows; only an instance that keeps changing under every attempt
    /// loses with `ConcurrentUpdate`.
    /// `whenAccepted` runs once the task is stored and before any work starts (the API records its instance
    /// action and migration there, so a request that loses a race leaves no trace).
    @discardableResult
    public func submit(
        _ action: InstanceAction, instance: String, current: LifecycleRecord? = nil, isAdmin: Bool,
        whenAccepted: @Sendable () async throws -> Void = {}
    ) async throws -> LifecycleRecord {
        while accepting.contains(instance) { try await Task.sleep(for: .milliseconds(1)) }
        accepting.insert(instance)
        defer { accepting.remove(instance) }
        var read = current
        var attempts = 0
        while true {
            let loaded: LifecycleRecord? = if let read { read } else { try await store.record(instance) }
            guard let original = loaded else { throw UnknownInstance(id: instance) }
            let (record, effect) = try Self.accepting(action, on: original, isAdmin: isAdmin)
            attempts += 1
            guard try await store.save(instance, record, ifStillIn: original.state) else {
                let actual = try await store.record(instance)
                guard attempts < Self.attemptsOnConcurrentChange, let actual else {
                    throw ConcurrentUpdate(instance: instance, expected: original.state, actual: actual?.state)
                }
                read = actual
                continue
            }
            return try await accepted(action, instance: instance, record: record, original: original, effect: effect, whenAccepted: whenAccepted)
        }
    }

    /// How often `submit` judges an action again when the instance changed between its read and its update.
    static let attemptsOnConcurrentChange = 3

    /// `record` with `action` accepted: its new state, lock and remembered previous state.
    private static func accepting(
        _ action: InstanceAction, on original: LifecycleRecord, isAdmin: Bool
    ) throws -> (LifecycleRecord, InstanceEffect) {
        var record = original
        let (accepted, effect) = try InstanceStateMachine.accept(action, from: record.state, locked: record.locked, isAdmin: isAdmin)
        // An action that starts work remembers where it started (confirm and revert keep the state before the
        // resize); one that sets no task leaves that memory alone.
        if action.acceptedTask != nil, ![.confirmResize, .revertResize].contains(action) { record.previous = record.state.vm }
        record.state = accepted
        if action == .lock { record.locked = true }
        if action == .unlock { record.locked = false }
        return (record, effect)
    }

    /// The part of `submit` after the task is stored: the caller's bookkeeping, the migration, the work.
    private func accepted(
        _ action: InstanceAction, instance: String, record: LifecycleRecord, original: LifecycleRecord,
        effect: InstanceEffect, whenAccepted: @Sendable () async throws -> Void
    ) async throws -> LifecycleRecord {
        do {
            try await whenAccepted()
        } catch {
            try? await store.save(instance, original)  // nothing started: put the instance back as it was
            throw error
        }
        if let status = MigrationStatus.accepted(action) { try await journal.migration(instance, status: status) }
        if case .drive(let driven) = effect {
            // Handed over once the instance action and migration are recorded, so its steps find them.
            if try await leases.holds(instance) {
                start(driven, instance: instance, from: record)
            } else {
                try await leases.hand(driven, of: instance)
            }
        }
        return record
    }

    /// Redoes or settles every instance found mid-task (called once at start).
    /// `hosts` limits recovery to the instances on those hosts (and unscheduled ones), as each Nova compute
    /// service recovers only its own: NovaKit nodes sharing a database each configure their own hosts.
    /// Each instance is claimed first: one still held by a live node is left to it (`force` claims regardless,
    /// for the one serving process of a SQLite file), and one a dead node held is taken over later by
    /// `takeOverAbandoned` once its lease runs out.
    public func recover(hosts: Set<String>? = nil, force: Bool = true) async throws {
        for instance in try await store.unsettled() where running[instance] == nil {
            guard let found = try await store.record(instance) else { continue }
            if let hosts, !found.host.isEmpty, !hosts.contains(found.host) { continue }
            guard try await leases.claim(instance, force: force) else { continue }
            // Read again once claimed: the node that held it may have moved it on in between.
            guard let record = try await store.record(instance) else {
                try await leases.release(instance)
                continue
            }
            try await resume(instance, record)
        }
    }

    /// Continues or settles, as start-up recovery does, the work of nodes that stopped renewing their leases
    /// (killed, partitioned); returns the instances taken over.
    @discardableResult
    public func takeOverAbandoned() async throws -> [String] {
        var taken: [String] = []
        for instance in try await leases.claimAbandoned() where running[instance] == nil {
            guard let record = try await store.record(instance) else { continue }
            try await resume(instance, record)
            taken.append(instance)
        }
        return taken
    }

    /// Starts the handed-over work this node claims (from API nodes, or from nodes that accepted an action on an
    /// instance whose work runs here); returns the instances it started.
    @discardableResult
    public func takeHanded() async throws -> [String] {
        var started: [String] = []
        for work in try await leases.claimHanded() {
            guard let record = try await store.record(work.instance) else {
                try await leases.release(work.instance)
                continue
            }
            logger.debug("instance \(work.instance): running \(work.action.rawValue), handed over by another node")
            start(work.action, instance: work.instance, from: record)
            started.append(work.instance)
        }
        return started
    }

    /// Extends this node's leases of the work running here.
    public func renewLeases() async throws {
        try await leases.renew(Array(running.keys))
    }

    /// Redoes or settles `instance`, found mid-task with no one working on it; this node holds its lease.
    private func resume(_ instance: String, _ found: LifecycleRecord) async throws {
        var record = found
        switch InstanceStateMachine.recover(record.state, previous: record.previous) {
        case .redo(let action):
            let interrupted = record.state.task?.rawValue ?? record.state.vm.rawValue
            logger.info("recovery: instance \(instance) was \(interrupted) when NovaKit stopped; running \(action.rawValue) again")
            record.state.task = action.acceptedTask
            try await store.save(instance, record)
            start(action, instance: instance, from: record)
        case .settle(let state, let fault):
            logger.info(
                "recovery: instance \(instance) was \(record.state.task?.rawValue ?? record.state.vm.rawValue) when NovaKit stopped; now \(state.status)"
            )
            // The interrupted action ends as a failed one: its failure effects apply (a move stays where it
            // was, a snapshot's image goes), and a move's migration is marked failed.
            let interrupted = record.state.task.flatMap { InstanceActionRule.recovering($0)?.0 }
            let interruptedMove = record.state.task?.isMove ?? false
            record.state = state
            record.fault = fault ?? record.fault
            if let interrupted {
                try await store.finish(instance, record, after: interrupted, failed: true)
            } else {
                try await store.save(instance, record)
                try await leases.release(instance)
            }
            if interruptedMove { try await journal.migration(instance, status: .error) }
        case .none:
            try await leases.release(instance)
        }
    }

    /// How many instances' work is in flight on this node.
    public var runningCount: Int { running.count }

    /// Waits until no work is in flight (tests).
    public func idle() async {
        while let (_, work) = running.first {
            await work.task.value
        }
    }

    /// Starts `action`'s work; work still running for the instance (a soft reboot a hard one replaces, a build
    /// a delete cuts short) is cancelled and leaves the states to its successor.
    private func start(_ action: InstanceAction, instance: String, from started: LifecycleRecord) {
        running[instance]?.task.cancel()
        nextToken += 1
        let token = nextToken
        let task = Task { [driver, store, journal, logger] in
            await Self.drive(action, instance: instance, from: started, driver: driver, store: store, journal: journal, logger: logger)
            self.finished(instance, token: token)
        }
        running[instance] = (token, task)
    }

    private func finished(_ instance: String, token: Int) {
        if running[instance]?.token == token { running[instance] = nil }
    }

    private static func drive(
        _ action: InstanceAction, instance: String, from started: LifecycleRecord, driver: any ComputeDriver, store: any InstanceStateStore,
        journal: any LifecycleJournal, logger: Logger
    ) async {
        do {
            // Every write re-reads the record, so changes made meanwhile (a lock, a host) are kept.
            // A cancelled (superseded) task writes no states.
            func update(_ change: (inout LifecycleRecord) -> Void) async throws -> LifecycleRecord? {
                guard !Task.isCancelled, var record = try await store.record(instance) else { return nil }
                change(&record)
                return record
            }
            var failure: String?
            for (step, task) in action.rule.steps.map({ ($0.step, $0.task) }) {
                if let task, let record = try await update({ $0.state.task = task }) {
                    try await store.save(instance, record)
                }
                try await journal.stepStarted(instance, action: action, step: step)
                if let status = MigrationStatus.after(step, of: action, started: true, failed: false) {
                    try await journal.migration(instance, status: status)
                }
                logger.debug("instance \(instance): \(action.rawValue) step \(step.rawValue) on \(started.host.isEmpty ? "no host" : started.host)")
                do {
                    try await driver.perform(step, instance: instance, host: started.host)
                } catch {
                    failure = (error as? DriverFailure)?.message ?? "\(step.rawValue) failed"
                }
                if Task.isCancelled {
                    try await journal.stepFinished(instance, action: action, step: step, failure: "superseded by a newer action")
                    return
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
        } catch is CancellationError where Task.isCancelled {
            // Superseded (a delete cutting a build short) while it wrote: its successor owns the states now.
            logger.debug("\(action.rawValue) of instance \(instance) was superseded while it recorded its progress")
        } catch {
            // The store itself failed; once this node's lease runs out (it is no longer renewed) a node takes the
            // instance over and settles it.
            logger.error("\(action.rawValue) of instance \(instance) could not record its progress: \(String(reflecting: error))")
        }
    }
}
