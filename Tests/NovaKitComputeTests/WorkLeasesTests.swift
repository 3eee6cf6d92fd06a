import Foundation
import Logging
import NovaKitCompute
import NovaKitCore
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Synchronization
import Testing

/// Leases decide which node works on an instance: a live lease keeps others off, one that ran out (or an
/// instance no one has held for a whole lease) is claimed by exactly one node.
@Suite("Work leases")
struct WorkLeasesTests {
    final class ManualClock: NovaClock {
        let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        func now() -> Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    static func prepare(_ database: Database) async throws {
        try await SchemaMigrator(database: database, migrations: ComputeSchema.migrations).sync()
        try await TestInstances.insert("busy", name: "busy", project: "p", vmState: "active", into: database)
        try await TestInstances.insert("calm", name: "calm", project: "p", vmState: "active", into: database)
        try await database.withConnection { sql in
            try await sql.update("instances").set("task_state", to: SQLBind("resize_prep")).where("uuid", .equal, SQLBind("busy")).run()
        }
    }

    @Test("claims: a live lease keeps other nodes off, a run-out one is free, force takes it regardless", arguments: TestDatabases.engines)
    func claims(url: DatabaseURL) async throws {
        try await TestDatabases.with(url) { database, _ in
            try await Self.prepare(database)
            let clock = ManualClock()
            let a = SQLWorkLeases(database: database, clock: clock, node: "a", duration: 10)
            let b = SQLWorkLeases(database: database, clock: clock, node: "b", duration: 10)
            // Never held: free only once no one has held it for a whole lease (its creator is about to).
            #expect(try await !a.claim("busy", force: false))
            clock.advance(11)
            #expect(try await a.claim("busy", force: false))
            #expect(try await !b.claim("busy", force: false))
            #expect(try await !a.claim("busy", force: false))  // a live lease is not free to its own node either
            clock.advance(9)
            try await a.renew(["busy"])
            clock.advance(9)  // 18 s after the claim, 9 after the renewal: still held
            #expect(try await !b.claim("busy", force: false))
            clock.advance(2)
            #expect(try await b.claim("busy", force: false))
            #expect(try await !a.claim("busy", force: false))
            #expect(try await a.claim("busy", force: true))
            try await a.release("busy")
            // Released: free again once a lease has passed with no holder.
            #expect(try await !b.claim("busy", force: false))
            clock.advance(11)
            #expect(try await b.claim("busy", force: false))
        }
    }

    @Test("abandoned work: only unsettled instances with no live lease are claimed, each by one node", arguments: TestDatabases.engines)
    func abandoned(url: DatabaseURL) async throws {
        try await TestDatabases.withNodes(url, count: 2) { nodes async throws in
            try await Self.prepare(nodes[0])
            let clock = ManualClock()
            let a = SQLWorkLeases(database: nodes[0], clock: clock, node: "a", duration: 10)
            let b = SQLWorkLeases(database: nodes[nodes.count - 1], clock: clock, node: "b", duration: 10)
            #expect(try await a.claimAbandoned().isEmpty)
            clock.advance(11)
            async let claimedByA = a.claimAbandoned()
            async let claimedByB = b.claimAbandoned()
            let (first, second) = try await (claimedByA, claimedByB)
            #expect((first + second) == ["busy"])
            let holder = first.isEmpty ? b : a
            let other = first.isEmpty ? a : b
            #expect(try await other.claimAbandoned().isEmpty)
            clock.advance(11)
            #expect(try await other.claimAbandoned() == ["busy"])
            #expect(try await holder.claimAbandoned().isEmpty)
            // Settled instances are never claimed.
            try await nodes[0].withConnection { sql in
                try await sql.update("instances").set("task_state", to: SQLLiteral.null).where("uuid", .equal, SQLBind("busy")).run()
            }
            clock.advance(30)
            #expect(try await a.claimAbandoned().isEmpty)
            #expect(try await b.claimAbandoned().isEmpty)
        }
    }

    /// What an API node's engine stores when it accepts `.stop` on "calm" (the task, the row marked as accepted),
    /// followed by its hand-over. "calm" is first made active with no task again, as if the last stop had ended
    /// (its lease is left as it is).
    static func acceptStop(_ database: Database, api: SQLWorkLeases, clock: some NovaClock) async throws {
        try await database.withConnection { sql in
            try await sql.update("instances").set("task_state", to: SQLLiteral.null).where("uuid", .equal, SQLBind("calm")).run()
        }
        let store = SQLInstanceStateStore(database: database, clock: clock, leases: api)
        let active = try #require(try await store.record("calm"))
        var stopping = active
        stopping.state.task = .poweringOff
        #expect(try await store.save("calm", stopping, ifStillIn: active.state))
        try await api.hand(.stop, of: "calm")
    }

    static func lease(of instance: String, _ database: Database) async throws -> (holder: String?, handed: String?) {
        try await database.withConnection { sql in
            let row = try #require(
                try await sql.select().columns("held_by", "handed_action").from("instance_leases").where("instance_uuid", .equal, SQLBind(instance))
                    .where("deleted", .equal, SQLLiteral.numeric("0")).first())
            return (try row.decode(column: "held_by", as: String?.self), try row.decode(column: "handed_action", as: String?.self))
        }
    }

    @Test(
        "handed work: an API node holds nothing; exactly one worker claims the action, and only its holder while it lives",
        arguments: TestDatabases.engines)
    func handed(url: DatabaseURL) async throws {
        try await TestDatabases.withNodes(url, count: 3) { nodes async throws in
            try await Self.prepare(nodes[0])
            let clock = ManualClock()
            let api = SQLWorkLeases(database: nodes[0], clock: clock, node: "api", duration: 10, runsWork: false)
            let a = SQLWorkLeases(database: nodes[1 % nodes.count], clock: clock, node: "a", duration: 10)
            let b = SQLWorkLeases(database: nodes[2 % nodes.count], clock: clock, node: "b", duration: 10)
            try await Self.acceptStop(nodes[0], api: api, clock: clock)
            #expect(try await Self.lease(of: "calm", nodes[0]) == (nil, "stop"))
            // Handed work is not abandoned work: neither a claim nor the look for abandoned work takes it, even
            // once no one has held it for a lease (recovery would settle the task instead of running the action).
            clock.advance(11)
            #expect(try await !a.claim("calm", force: false))
            #expect(try await !a.claimAbandoned().contains("calm"))
            async let claimedByA = a.claimHanded()
            async let claimedByB = b.claimHanded()
            let (first, second) = try await (claimedByA, claimedByB)
            #expect(first + second == [HandedWork(instance: "calm", action: .stop)])
            let (holder, other) = first.isEmpty ? (b, a) : (a, b)
            #expect(try await Self.lease(of: "calm", nodes[0]) == (holder.node, nil))
            #expect(try await a.claimHanded().isEmpty)
            #expect(try await b.claimHanded().isEmpty)
            // Work handed while a live node holds the instance is that node's (it cancels what it runs there).
            try await Self.acceptStop(nodes[0], api: api, clock: clock)
            #expect(try await Self.lease(of: "calm", nodes[0]) == (holder.node, "stop"))
            #expect(try await other.claimHanded().isEmpty)
            #expect(try await holder.claimHanded() == [HandedWork(instance: "calm", action: .stop)])
            // ... until its lease runs out: then the API node's acceptance lets the dead holder go.
            clock.advance(11)
            try await Self.acceptStop(nodes[0], api: api, clock: clock)
            #expect(try await Self.lease(of: "calm", nodes[0]) == (nil, "stop"))
            #expect(try await other.claimHanded() == [HandedWork(instance: "calm", action: .stop)])
        }
    }

    /// The cluster's rolling restart once lost a build this way: a node's look for abandoned work read a server
    /// just inserted (no holder yet), the same node then accepted its build, and the look's claim took it back
    /// from itself, so recovery settled the build as interrupted (ERROR) while it was starting.
    @Test("work a node has just accepted is not abandoned, not even to that node, until its lease runs out", arguments: TestDatabases.engines)
    func ownAcceptedWork(url: DatabaseURL) async throws {
        try await TestDatabases.with(url) { database, _ in
            try await Self.prepare(database)
            let clock = ManualClock()
            let a = SQLWorkLeases(database: database, clock: clock, node: "a", duration: 10)
            let b = SQLWorkLeases(database: database, clock: clock, node: "b", duration: 10)
            clock.advance(60)
            let store = SQLInstanceStateStore(database: database, clock: clock, leases: a)
            var stopping = try #require(try await store.record("calm"))
            let active = stopping.state
            stopping.state.task = .poweringOff
            #expect(try await store.save("calm", stopping, ifStillIn: active))
            #expect(try await Self.lease(of: "calm", database) == ("a", nil))
            #expect(try await !a.claim("calm", force: false))
            #expect(try await !b.claim("calm", force: false))
            #expect(try await !a.claimAbandoned().contains("calm"))
            clock.advance(5)
            #expect(try await !a.claim("calm", force: false))
            // Its lease ran out (a renewal that never came): abandoned now, to any node, this one included.
            clock.advance(6)
            #expect(try await a.claim("calm", force: false))
            #expect(try await Self.lease(of: "calm", database) == ("a", nil))
        }
    }

    @Test("a change that starts no task (a lock during a resize) leaves the lease with the node running the task", arguments: TestDatabases.engines)
    func changeWithoutTask(url: DatabaseURL) async throws {
        try await TestDatabases.with(url) { database, _ in
            try await Self.prepare(database)
            let clock = ManualClock()
            let a = SQLWorkLeases(database: database, clock: clock, node: "a", duration: 10)
            let b = SQLWorkLeases(database: database, clock: clock, node: "b", duration: 10)
            #expect(try await !a.claim("busy", force: false))  // never held: free once no one has held it for a lease
            clock.advance(11)
            #expect(try await a.claim("busy", force: false))
            let store = SQLInstanceStateStore(database: database, clock: clock, leases: b)
            let resizing = try #require(try await store.record("busy"))
            var locked = resizing
            locked.locked = true
            #expect(try await store.save("busy", locked, ifStillIn: resizing.state))
            #expect(try await Self.lease(of: "busy", database) == ("a", nil))
            // A new task is the accepting node's.
            var stopping = try #require(try await store.record("calm"))
            let active = stopping.state
            stopping.state.task = .poweringOff
            #expect(try await store.save("calm", stopping, ifStillIn: active))
            #expect(try await Self.lease(of: "calm", database) == ("b", nil))
        }
    }

    @Test("an API node's engine runs nothing; a worker's engine runs what it handed over to the end", arguments: TestDatabases.engines)
    func handedWorkRuns(url: DatabaseURL) async throws {
        try await TestDatabases.withNodes(url, count: 2) { nodes async throws in
            try await Self.prepare(nodes[0])
            let (apiDatabase, workerDatabase) = (nodes[0], nodes[nodes.count - 1])
            let clock = SystemClock()
            let driver = FakeDriver(delay: .zero, sleep: { _ in await Task.yield() })
            let apiLeases = SQLWorkLeases(database: apiDatabase, clock: clock, node: "api", duration: 10, runsWork: false)
            let api = LifecycleEngine(
                driver: driver, store: SQLInstanceStateStore(database: apiDatabase, clock: clock, leases: apiLeases), leases: apiLeases)
            let workerLeases = SQLWorkLeases(database: workerDatabase, clock: clock, node: "worker", duration: 10)
            let workerStore = SQLInstanceStateStore(database: workerDatabase, clock: clock, leases: workerLeases)
            let worker = LifecycleEngine(driver: driver, store: workerStore, leases: workerLeases)
            let accepted = try await api.submit(.stop, instance: "calm", isAdmin: false)
            #expect(accepted.state.task == .poweringOff)
            #expect(await api.runningCount == 0)
            #expect(try await api.takeHanded().isEmpty)  // its leases claim nothing: api nodes run no work
            #expect(try await workerStore.record("calm")?.state.task == .poweringOff)
            #expect(try await worker.takeHanded() == ["calm"])
            await worker.idle()
            #expect(try await workerStore.record("calm")?.state.status == "SHUTOFF")
            #expect(try await Self.lease(of: "calm", workerDatabase) == (nil, nil))
        }
    }

    @Test(
        "an action accepted on a node whose work another live node runs is handed to that node, which cancels the superseded task",
        arguments: TestDatabases.engines)
    func supersedingActionGoesToTheRunningNode(url: DatabaseURL) async throws {
        try await TestDatabases.withNodes(url, count: 2) { nodes async throws in
            try await Self.prepare(nodes[0])
            let clock = SystemClock()
            // Node a's driver is slow until the test lets it go (its soft reboot is still running when b accepts).
            let slow = Mutex(true)
            let driverA = FakeDriver(
                delay: .seconds(30),
                sleep: { duration in
                    if slow.withLock({ $0 }) { try await Task.sleep(for: duration) } else { await Task.yield() }
                })
            let leasesA = SQLWorkLeases(database: nodes[0], clock: clock, node: "a", duration: 10)
            let leasesB = SQLWorkLeases(database: nodes[nodes.count - 1], clock: clock, node: "b", duration: 10)
            let journalA = RecordingJournal()
            let a = LifecycleEngine(
                driver: driverA, store: SQLInstanceStateStore(database: nodes[0], clock: clock, leases: leasesA), journal: journalA, leases: leasesA)
            let storeB = SQLInstanceStateStore(database: nodes[nodes.count - 1], clock: clock, leases: leasesB)
            let b = LifecycleEngine(driver: FakeDriver(delay: .zero, sleep: { _ in await Task.yield() }), store: storeB, leases: leasesB)

            try await a.submit(.softReboot, instance: "calm", isAdmin: false)
            #expect(await a.runningCount == 1)
            #expect(try await Self.lease(of: "calm", nodes[0]) == ("a", nil))
            // b accepts the hard reboot (its state is stored at once) but runs nothing: a holds the instance's work.
            let accepted = try await b.submit(.hardReboot, instance: "calm", isAdmin: false)
            #expect(accepted.state.task == .rebootingHard)
            #expect(await b.runningCount == 0)
            #expect(try await Self.lease(of: "calm", nodes[0]) == ("a", "hardReboot"))
            #expect(try await b.takeHanded().isEmpty)  // a live node holds it: not b's to take
            slow.withLock { $0 = false }
            #expect(try await a.takeHanded() == ["calm"])
            await a.idle()
            #expect(try await storeB.record("calm")?.state == InstanceState(.active, power: .running))
            #expect(try await Self.lease(of: "calm", nodes[0]) == (nil, nil))
            // The soft reboot ended superseded (its step an error), then the hard reboot ran to the end.
            #expect(
                await journalA.entries == [
                    "calm start compute_reboot", "calm finish compute_reboot Error", "calm start compute_reboot",
                    "calm finish compute_reboot Success",
                ])
        }
    }

    @Test("the look for abandoned work reads only the unsettled instances, through their partial index")
    func abandonedWorkIsIndexed() async throws {
        let statements = RecordedStatements()
        let database = try await Database.open(.sqliteMemory, logger: Logger(label: "test"), observer: { statements.record($0) })
        try await Self.prepare(database)
        statements.clear()
        _ = try await SQLWorkLeases(database: database, clock: ManualClock(), node: "a", duration: 10).claimAbandoned()
        let look = try #require(statements.reads(of: "instances").first)
        let plan = try await database.withConnection { sql in
            try await sql.raw(SQLQueryString("EXPLAIN QUERY PLAN \(unsafeRaw: look)")).all().map { try $0.decode(column: "detail", as: String.self) }
        }
        #expect(plan.first?.contains("USING INDEX instances_unsettled_idx") == true, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN ") || $0.contains("TEMP B-TREE") }, "\(plan)")
        await database.close()
    }
}
