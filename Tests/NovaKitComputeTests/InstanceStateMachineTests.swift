import Foundation
import NovaKitCompute
import NovaKitCore
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Testing

@Suite("Instance state machine")
struct InstanceStateMachineTests {
    /// Allowed source vm_states per action, from the spec's action table (H.1); nil means any.
    static let allowed: [InstanceAction: Set<String>?] = [
        .build: ["building"], .resize: ["active", "stopped"], .migrate: ["active", "stopped"], .confirmResize: ["resized"],
        .revertResize: ["resized"],
        .softReboot: ["active"], .hardReboot: ["active", "stopped", "paused", "suspended", "error"], .start: ["stopped"],
        .stop: ["active", "error"], .pause: ["active"], .unpause: ["paused"], .suspend: ["active"], .resume: ["suspended"],
        .createImage: ["active", "stopped", "paused", "suspended"], .rebuild: ["active", "stopped", "error"], .restore: ["soft-delete"],
        .lock: nil, .unlock: nil, .resetState: nil, .forceDelete: nil, .delete: nil, .softDelete: nil, .changePassword: ["active"],
        .shelve: ["active", "stopped", "paused", "suspended"], .shelveOffload: ["shelved"], .unshelve: ["shelved", "shelved_offloaded"],
        .rescue: ["active", "stopped", "error"], .unrescue: ["rescued"], .liveMigrate: ["active", "paused"],
        .triggerCrashDump: ["active", "paused", "rescued", "resized", "error"], .evacuate: ["active", "stopped", "error"],
        .evacuateStopped: ["active", "stopped", "error"],
    ]

    static let cases: [(InstanceAction, VMState)] = InstanceAction.allCases.flatMap { action in VMState.allCases.map { (action, $0) } }

    @Test("every action is allowed exactly from its vm_states", arguments: cases)
    func vmStates(action: InstanceAction, vm: VMState) throws {
        let state = InstanceState(vm, power: .running)
        let expected = Self.allowed[action]!.map { $0.contains(vm.rawValue) } ?? true
        if expected {
            let (next, effect) = try InstanceStateMachine.accept(action, from: state, locked: false, isAdmin: false)
            #expect(next.vm == vm)
            #expect(effect == (action.acceptedTask == nil ? .none : .drive(action)))
        } else {
            #expect(throws: StateRefusal.invalidState(action: action.apiName, attribute: "vm_state", state: vm.rawValue)) {
                try InstanceStateMachine.accept(action, from: state, locked: false, isAdmin: false)
            }
        }
    }

    @Test("progress moves through an action's stages: 0 when accepted, evenly through its steps")
    func progressThroughStages() {
        #expect(TaskState.scheduling.progress == 0 && TaskState.spawning.progress == 50)
        #expect(TaskState.resizePrep.progress == 0 && TaskState.resizeMigrating.progress == 33 && TaskState.resizeFinish.progress == 66)
        #expect(TaskState.rebuilding.progress == 0 && TaskState.rebuildSpawning.progress == 50)
    }

    @Test("a task in flight refuses every action but hard reboot (from reboot-ish tasks), lock, unlock, reset and delete")
    func taskStates() throws {
        for action in InstanceAction.allCases {
            let vm = Self.allowed[action]!.flatMap { $0.first }.flatMap(VMState.init(rawValue:)) ?? .active
            let busy = InstanceState(vm, task: .rebooting, power: .running)
            let tolerant: Set<InstanceAction> = [.hardReboot, .lock, .unlock, .resetState, .forceDelete, .delete, .softDelete]
            if tolerant.contains(action) {
                _ = try InstanceStateMachine.accept(action, from: busy, locked: false, isAdmin: false)
            } else {
                #expect(throws: StateRefusal.invalidState(action: action.apiName, attribute: "task_state", state: "rebooting")) {
                    try InstanceStateMachine.accept(action, from: busy, locked: false, isAdmin: false)
                }
            }
        }
        #expect(throws: StateRefusal.self) {
            try InstanceStateMachine.accept(
                .hardReboot, from: InstanceState(.active, task: .resizePrep, power: .running), locked: false, isAdmin: false)
        }
    }

    @Test("a locked instance refuses lock-checked actions to non-admins only; the state check comes first")
    func locks() throws {
        let active = InstanceState(.active, power: .running)
        #expect(throws: StateRefusal.locked) { try InstanceStateMachine.accept(.stop, from: active, locked: true, isAdmin: false) }
        _ = try InstanceStateMachine.accept(.stop, from: active, locked: true, isAdmin: true)
        for free in [InstanceAction.lock, .unlock, .resetState] {
            _ = try InstanceStateMachine.accept(free, from: active, locked: true, isAdmin: false)
        }
        #expect(throws: StateRefusal.invalidState(action: "revertResize", attribute: "vm_state", state: "active")) {
            try InstanceStateMachine.accept(.revertResize, from: active, locked: true, isAdmin: false)
        }
        #expect(
            StateRefusal.invalidState(action: "revertResize", attribute: "vm_state", state: "active").message(instance: "u-1")
                == "Cannot 'revertResize' instance u-1 while it is in vm_state active")
    }

    @Test(
        "status follows Nova's vm_state/task_state mapping",
        arguments: [
            (VMState.active, nil, "ACTIVE"), (.active, .rebooting, "REBOOT"), (.active, .rebootingHard, "HARD_REBOOT"),
            (.active, .rebuilding, "REBUILD"), (.active, .migrating, "MIGRATING"), (.active, .resizePrep, "RESIZE"),
            (.active, .resizeFinish, "RESIZE"), (.active, .pausing, "ACTIVE"), (.active, .updatingPassword, "PASSWORD"),
            (.building, .scheduling, "BUILD"), (.stopped, nil, "SHUTOFF"), (.stopped, .resizeMigrating, "RESIZE"),
            (.resized, nil, "VERIFY_RESIZE"), (.resized, .resizeReverting, "REVERT_RESIZE"), (.resized, .resizeConfirming, "VERIFY_RESIZE"),
            (.paused, nil, "PAUSED"), (.paused, .migrating, "MIGRATING"), (.suspended, nil, "SUSPENDED"), (.rescued, nil, "RESCUE"),
            (.error, nil, "ERROR"), (.error, .rebuilding, "REBUILD"), (.deleted, nil, "DELETED"), (.softDeleted, nil, "SOFT_DELETED"),
            (.shelved, nil, "SHELVED"), (.shelvedOffloaded, nil, "SHELVED_OFFLOADED"),
        ] as [(VMState, TaskState?, String)])
    func status(vm: VMState, task: TaskState?, expected: String) {
        #expect(InstanceState(vm, task: task, power: .running).status == expected)
    }

    @Test(
        "completing an action lands in Nova's final states",
        arguments: [
            (InstanceAction.resize, VMState.active, "VERIFY_RESIZE", PowerState.running), (.resize, .stopped, "VERIFY_RESIZE", .shutdown),
            (.revertResize, .active, "ACTIVE", .running), (.confirmResize, .stopped, "SHUTOFF", .shutdown), (.stop, .active, "SHUTOFF", .shutdown),
            (.start, .stopped, "ACTIVE", .running), (.pause, .active, "PAUSED", .paused), (.suspend, .active, "SUSPENDED", .suspended),
            (.unpause, .paused, "ACTIVE", .running), (.resume, .suspended, "ACTIVE", .running), (.hardReboot, .error, "ACTIVE", .running),
            (.rebuild, .stopped, "SHUTOFF", .shutdown), (.delete, .active, "DELETED", .noState),
        ] as [(InstanceAction, VMState, String, PowerState)])
    func completion(action: InstanceAction, previous: VMState, status: String, power: PowerState) throws {
        // Confirm and revert start from VERIFY_RESIZE; `previous` is the vm_state before the resize.
        let source: VMState = [.confirmResize, .revertResize].contains(action) ? .resized : previous
        let (accepted, _) = try InstanceStateMachine.accept(action, from: InstanceState(source, power: .running), locked: false, isAdmin: false)
        let done = InstanceStateMachine.complete(action, from: accepted, failed: false, previous: previous)
        #expect(done.status == status)
        #expect(done.power == power)
        #expect(done.task == nil)
    }

    @Test("a failed step puts the instance in ERROR; a failed resize returns it to where it was")
    func failures() throws {
        let active = InstanceState(.active, task: .poweringOff, power: .running)
        #expect(InstanceStateMachine.complete(.stop, from: active, failed: true, previous: .active).status == "ERROR")
        let resizing = InstanceState(.active, task: .resizePrep, power: .running)
        #expect(InstanceStateMachine.complete(.resize, from: resizing, failed: true, previous: .active).status == "ACTIVE")
    }
}

@Suite("Scheduler and fake driver")
struct SchedulerTests {
    static let hosts = [
        ComputeHost(name: "a", vcpus: 4, memoryMB: 4096, diskGB: 100), ComputeHost(name: "b", vcpus: 8, memoryMB: 8192, diskGB: 100),
    ]

    @Test("the host with the most free RAM that fits wins; exclusions and full hosts are skipped")
    func selection() throws {
        let small = Resources(vcpus: 1, memoryMB: 1024, diskGB: 10)
        #expect(try Scheduler.select(small, hosts: Self.hosts, used: [:]).name == "b")
        #expect(try Scheduler.select(small, hosts: Self.hosts, used: ["b": Resources(vcpus: 1, memoryMB: 6000, diskGB: 0)]).name == "a")
        #expect(try Scheduler.select(small, hosts: Self.hosts, used: [:], excluding: ["b"]).name == "a")
        #expect(throws: NoValidHost.self) { try Scheduler.select(Resources(vcpus: 9, memoryMB: 1, diskGB: 1), hosts: Self.hosts, used: [:]) }
        #expect(throws: NoValidHost.self) {
            try Scheduler.select(small, hosts: Self.hosts, used: ["a": Resources(vcpus: 4, memoryMB: 0, diskGB: 0)], excluding: ["b"])
        }
    }

    @Test("the fake driver waits its delay, then succeeds unless a step is told to fail")
    func fakeDriver() async throws {
        let slept = Recorder()
        let driver = FakeDriver(
            delay: .milliseconds(5), failing: [.pause], failingFor: { $0 == "doomed" ? [.spawn] : [] }, sleep: { await slept.add($0) })
        try await driver.perform(.spawn, instance: "fine", host: "a")
        await #expect(throws: DriverFailure(step: .spawn, message: "fake driver: spawn failed on a as configured")) {
            try await driver.perform(.spawn, instance: "doomed", host: "a")
        }
        await #expect(throws: DriverFailure.self) { try await driver.perform(.pause, instance: "fine", host: "a") }
        #expect(await slept.values == [.milliseconds(5), .milliseconds(5), .milliseconds(5)])
    }

    actor Recorder {
        var values: [Duration] = []
        func add(_ value: Duration) { values.append(value) }
    }
}

@Suite("Restart recovery")
struct InstanceRecoveryTests {
    @Test("every task state has a decision; none leaves the instance with a task in flight")
    func total() {
        for task in TaskState.allCases {
            for vm in VMState.allCases {
                switch InstanceStateMachine.recover(InstanceState(vm, task: task, power: .running), previous: .active) {
                case .settle(let state, _): #expect(state.task == nil)
                case .redo(let action): #expect(action.acceptedTask != nil)
                case .none: Issue.record("\(vm)/\(task) left in flight")
                }
            }
        }
    }

    @Test(
        "interrupted work is redone or settled as Nova's compute manager does",
        arguments: [
            (VMState.building, TaskState?.some(.spawning), "settle ERROR fault"), (.building, nil, "settle ERROR fault"),
            (.active, .poweringOff, "redo stop"), (.stopped, .poweringOn, "redo start"), (.active, .rebooting, "redo softReboot"),
            (.active, .rebootingHard, "redo hardReboot"), (.active, .pausing, "redo pause"), (.resized, .resizeReverting, "redo revertResize"),
            (.resized, .resizeConfirming, "redo confirmResize"), (.active, .resizeMigrating, "redo resize"),
            (.stopped, .resizePrep, "redo resize"), (.active, .resizeFinish, "redo resize"), (.active, .migrating, "settle ACTIVE"),
            (.paused, .migrating, "settle PAUSED"),
            (.active, .deleting, "redo delete"), (.active, .imageUploading, "settle ACTIVE"), (.active, .rebuilding, "settle ERROR fault"),
            (.active, nil, "none"),
        ] as [(VMState, TaskState?, String)])
    func decisions(vm: VMState, task: TaskState?, expected: String) {
        let decision = InstanceStateMachine.recover(InstanceState(vm, task: task, power: .running), previous: vm)
        let text: String =
            switch decision {
            case .redo(let action): "redo \(action.rawValue)"
            case .settle(let state, let fault): "settle \(state.status)" + (fault == nil ? "" : " fault")
            case .none: "none"
            }
        #expect(text == expected)
    }
}

@Suite("Lifecycle engine")
struct LifecycleEngineTests {
    static func engine(_ records: [String: LifecycleRecord], failing: @escaping @Sendable (String) async -> Set<DriverStep> = { _ in [] })
        -> (LifecycleEngine, InMemoryInstanceStore)
    {
        let store = InMemoryInstanceStore(records)
        let driver = FakeDriver(delay: .zero, failingFor: failing, sleep: { _ in await Task.yield() })
        return (LifecycleEngine(driver: driver, store: store), store)
    }

    static let active = LifecycleRecord(state: InstanceState(.active, power: .running), previous: .active, host: "h1")

    @Test("a build spawns and lands ACTIVE; the task is recorded at once")
    func build() async throws {
        let (engine, store) = Self.engine(["vm": LifecycleRecord(state: InstanceState(.building, power: .noState), previous: .building, host: "h1")])
        let accepted = try await engine.submit(.build, instance: "vm", isAdmin: false)
        #expect(accepted.state.task == .scheduling && accepted.state.status == "BUILD")
        await engine.idle()
        #expect(await store.record("vm")?.state == InstanceState(.active, power: .running))
    }

    @Test("resize → VERIFY_RESIZE → revert → ACTIVE on the original state; stop/start round trip")
    func resizeAndRevert() async throws {
        let (engine, store) = Self.engine(["vm": Self.active])
        try await engine.submit(.resize, instance: "vm", isAdmin: false)
        await engine.idle()
        #expect(await store.record("vm")?.state.status == "VERIFY_RESIZE")
        let reverting = try await engine.submit(.revertResize, instance: "vm", isAdmin: false)
        #expect(reverting.state.status == "REVERT_RESIZE")
        await engine.idle()
        #expect(await store.record("vm")?.state == InstanceState(.active, power: .running))
        await #expect(throws: StateRefusal.invalidState(action: "revertResize", attribute: "vm_state", state: "active")) {
            try await engine.submit(.revertResize, instance: "vm", isAdmin: false)
        }
        try await engine.submit(.stop, instance: "vm", isAdmin: false)
        await engine.idle()
        #expect(await store.record("vm")?.state.status == "SHUTOFF")
        try await engine.submit(.start, instance: "vm", isAdmin: false)
        await engine.idle()
        #expect(await store.record("vm")?.state.status == "ACTIVE")
    }

    @Test("a lock refuses the owner but not an admin; a failing step leaves ERROR with the fault")
    func locksAndFailures() async throws {
        let (engine, store) = Self.engine(["vm": Self.active], failing: { _ in [.pause] })
        try await engine.submit(.lock, instance: "vm", isAdmin: true)
        await #expect(throws: StateRefusal.locked) { try await engine.submit(.pause, instance: "vm", isAdmin: false) }
        try await engine.submit(.pause, instance: "vm", isAdmin: true)
        await engine.idle()
        let record = await store.record("vm")
        #expect(record?.state.status == "ERROR")
        #expect(record?.fault == "fake driver: pause failed on h1 as configured")
    }

    @Test("recovery redoes interrupted power operations and resizes, fails builds, returns live migrations to their source")
    func recovery() async throws {
        let (engine, store) = Self.engine([
            "stopping": LifecycleRecord(state: InstanceState(.active, task: .poweringOff, power: .running), previous: .active, host: "h1"),
            "building": LifecycleRecord(state: InstanceState(.building, task: .spawning, power: .noState), previous: .building, host: "h1"),
            "resizing": LifecycleRecord(state: InstanceState(.stopped, task: .resizeMigrating, power: .shutdown), previous: .stopped, host: "h1"),
            "migrating": LifecycleRecord(state: InstanceState(.paused, task: .migrating, power: .paused), previous: .paused, host: "h1"),
            "calm": Self.active,
        ])
        try await engine.recover()
        await engine.idle()
        #expect(await store.record("stopping")?.state.status == "SHUTOFF")
        #expect(await store.record("building")?.state.status == "ERROR")
        #expect(await store.record("building")?.fault == "Operation spawning was interrupted by a restart of NovaKit.")
        // A stopped server's resize is carried through and stays stopped: VERIFY_RESIZE, powered off.
        #expect(await store.record("resizing")?.state == InstanceState(.resized, power: .shutdown))
        #expect(await store.record("migrating")?.state.status == "PAUSED")
        #expect(await store.record("calm") == Self.active)
        #expect(await store.unsettled().isEmpty)
    }
}

@Suite("Lifecycle journal")
struct LifecycleJournalTests {
    @Test("a resize and its revert report events and Nova's migration statuses in order; failures report Error")
    func resizeJournal() async throws {
        let store = InMemoryInstanceStore(["vm": LifecycleEngineTests.active])
        let journal = RecordingJournal()
        let driver = FakeDriver(delay: .zero, failing: [.pause], sleep: { _ in await Task.yield() })
        let engine = LifecycleEngine(driver: driver, store: store, journal: journal)
        try await engine.submit(.resize, instance: "vm", isAdmin: false)
        await engine.idle()
        try await engine.submit(.revertResize, instance: "vm", isAdmin: false)
        await engine.idle()
        try await engine.submit(.pause, instance: "vm", isAdmin: false)
        await engine.idle()
        #expect(
            await journal.entries == [
                "vm migration pre-migrating", "vm start compute_migrate", "vm migration migrating", "vm finish compute_migrate Success",
                "vm migration post-migrating", "vm start compute_finish_resize", "vm finish compute_finish_resize Success",
                "vm migration finished", "vm migration reverting", "vm start compute_revert_resize",
                "vm finish compute_revert_resize Success", "vm migration reverted", "vm start compute_pause", "vm finish compute_pause Error",
            ])
    }

    @Test(
        "migration statuses by action and step",
        arguments: [
            (InstanceAction.resize, DriverStep.migrate, true, false, "migrating"), (.migrate, .migrate, false, false, "post-migrating"),
            (.resize, .finishResize, false, false, "finished"), (.confirmResize, .confirmResize, false, false, "confirmed"),
            (.revertResize, .revertResize, false, false, "reverted"), (.resize, .migrate, false, true, "error"),
            (.stop, .powerOff, false, true, "none"), (.resize, .finishResize, true, false, "none"),
        ] as [(InstanceAction, DriverStep, Bool, Bool, String)])
    func statuses(action: InstanceAction, step: DriverStep, started: Bool, failed: Bool, expected: String) {
        #expect(MigrationStatus.after(step, of: action, started: started, failed: failed)?.rawValue ?? "none" == expected)
    }

    @Test("the SQL journal writes events under the latest instance action and moves the latest migration", arguments: TestDatabases.engines)
    func sqlJournal(url: DatabaseURL) async throws {
        try await TestDatabases.with(url) { (database, _) async throws in
            try await SchemaMigrator(database: database, migrations: ComputeSchema.migrations).sync()
            try await SQLInstanceStateStoreTests.insertInstance("vm", vm: .active, task: nil, database)
            try await database.withConnection { sql in
                try await sql.insert(into: "instance_actions").columns("instance_uuid", "action", "request_id", "start_time", "created_at", "deleted")
                    .values(SQLBind("vm"), SQLBind("resize"), SQLBind("req-1"), SQLBind(Date()), SQLBind(Date()), SQLBind(0)).run()
                try await sql.insert(into: "migrations")
                    .columns("uuid", "instance_uuid", "migration_type", "status", "hidden", "created_at", "deleted")
                    .values(SQLBind("m-1"), SQLBind("vm"), SQLBind("resize"), SQLBind("pre-migrating"), SQLBind(false), SQLBind(Date()), SQLBind(0))
                    .run()
            }
            let store = SQLInstanceStateStore(database: database, clock: SystemClock())
            let journal = SQLLifecycleJournal(database: database, clock: SystemClock(), host: "novakit-compute-1")
            let engine = LifecycleEngine(driver: FakeDriver(delay: .zero, sleep: { _ in await Task.yield() }), store: store, journal: journal)
            try await engine.submit(.resize, instance: "vm", isAdmin: false)
            await engine.idle()
            let (events, status) = try await database.withConnection { sql in
                let events = try await sql.select().columns("event", "result").from("instance_actions_events").orderBy("id").all()
                    .map { "\(try $0.decode(column: "event", as: String.self)):\(try $0.decode(column: "result", as: String.self))" }
                let status = try await sql.select().column("status").from("migrations").first()?.decode(column: "status", as: String.self)
                return (events, status)
            }
            #expect(events == ["compute_migrate:Success", "compute_finish_resize:Success"])
            #expect(status == "finished")
            #expect(try await store.record("vm")?.state.status == "VERIFY_RESIZE")
        }
    }
}

@Suite("Instance action table")
struct InstanceActionTableTests {
    @Test("every action has one entry; every task an action shows is recovered by exactly one entry")
    func coverage() {
        var owners: [TaskState: [InstanceAction]] = [:]
        for action in InstanceAction.allCases {
            if case .redo(let tasks) = action.rule.recovery {
                #expect(tasks.contains { $0 == action.acceptedTask }, "\(action) redoes from its own task")
            }
            for task in action.rule.recovery.tasks { owners[task, default: []].append(action) }
        }
        for (task, actions) in owners { #expect(actions.count == 1, "\(task) is recovered by \(actions)") }
        for action in InstanceAction.allCases {
            let shown = [action.acceptedTask].compactMap { $0 } + action.rule.steps.compactMap(\.task)
            for task in shown { #expect(owners[task] != nil, "\(action) shows \(task), which no entry recovers") }
        }
    }
}
