import Foundation
import NovaKitCompute
import NovaKitCore
import NovaKitNetwork
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Testing

@Suite("SQL instance state store")
struct SQLInstanceStateStoreTests {
    static func insertInstance(_ uuid: String, vm: VMState, task: TaskState?, _ database: Database) async throws {
        try await database.withConnection { sql in
            try await sql.insert(into: "instances")
                .columns(
                    "uuid", "display_name", "project_id", "user_id", "flavor", "vm_state", "task_state", "power_state", "previous_vm_state",
                    "locked", "host", "created_at", "deleted"
                )
                .values(
                    SQLBind(uuid), SQLBind("vm-\(uuid)"), SQLBind("p"), SQLBind("u"), SQLBind("{}"), SQLBind(vm.rawValue),
                    SQLBind(task?.rawValue), SQLBind(0), SQLBind(vm.rawValue), SQLBind(false), SQLBind("novakit-compute-1"),
                    SQLBind(Date()), SQLBind(0)
                )
                .run()
        }
    }

    @Test("records round-trip; faults are kept; unsettled lists building and mid-task instances", arguments: TestDatabases.engines)
    func roundTrip(url: DatabaseURL) async throws {
        try await TestDatabases.with(url) { (database, _) async throws in
            try await SchemaMigrator(database: database, migrations: ComputeSchema.migrations).sync()
            let store = SQLInstanceStateStore(database: database, clock: SystemClock())
            try await Self.insertInstance("a", vm: .building, task: .scheduling, database)
            try await Self.insertInstance("b", vm: .active, task: nil, database)
            try await Self.insertInstance("c", vm: .active, task: .poweringOff, database)
            #expect(try await store.unsettled() == ["a", "c"])
            var record = try #require(try await store.record("b"))
            #expect(record.state == InstanceState(.active, power: .noState) && record.host == "novakit-compute-1" && record.fault == nil)
            record.state = InstanceState(.error, power: .shutdown)
            record.fault = "boom"
            record.locked = true
            try await store.save("b", record)
            #expect(try await store.record("b") == record)
            try await store.save("b", record)
            let faults = try await database.withConnection { sql in try await sql.select().column("id").from("instance_faults").all().count }
            #expect(faults == 1)
            #expect(try await store.record("nope") == nil)
        }
    }

    @Test("the lifecycle engine over SQL: builds, and after a crash recovers what was in flight", arguments: TestDatabases.engines)
    func engineOverSQL(url: DatabaseURL) async throws {
        try await TestDatabases.with(url) { (database, _) async throws in
            try await SchemaMigrator(database: database, migrations: ComputeSchema.migrations).sync()
            let store = SQLInstanceStateStore(database: database, clock: SystemClock())
            let driver = FakeDriver(delay: .zero, sleep: { _ in await Task.yield() })
            try await Self.insertInstance("new", vm: .building, task: nil, database)
            let engine = LifecycleEngine(driver: driver, store: store)
            try await engine.submit(.build, instance: "new", isAdmin: false)
            await engine.idle()
            #expect(try await store.record("new")?.state.status == "ACTIVE")
            // A "crash" mid-stop and mid-build: a fresh engine recovers both.
            try await Self.insertInstance("stopping", vm: .active, task: .poweringOff, database)
            try await Self.insertInstance("spawning", vm: .building, task: .spawning, database)
            // Another node's instance (on a host this node does not run) is left to that node.
            try await Self.insertInstance("elsewhere", vm: .active, task: .poweringOff, database)
            try await database.withConnection { sql in
                try await sql.update("instances").set("host", to: SQLBind("other-node-host")).where("uuid", .equal, SQLBind("elsewhere")).run()
            }
            let restarted = LifecycleEngine(driver: driver, store: store)
            try await restarted.recover(hosts: ["novakit-compute-1"])
            await restarted.idle()
            #expect(try await store.record("elsewhere")?.state.task == .poweringOff)
            try await database.withConnection { sql in try await sql.delete(from: "instances").where("uuid", .equal, SQLBind("elsewhere")).run() }
            #expect(try await store.record("stopping")?.state.status == "SHUTOFF")
            #expect(try await store.record("spawning")?.state.status == "ERROR")
            #expect(try await store.unsettled().isEmpty)
        }
    }

    @Test(
        "an action read on a state that changed before its update is judged again on the stored state",
        arguments: TestDatabases.engines
    )
    func staleReadIsJudgedAgain(url: DatabaseURL) async throws {
        try await TestDatabases.with(url) { (database, _) async throws in
            try await SchemaMigrator(database: database, migrations: ComputeSchema.migrations + NetworkSchema.migrations).sync()
            let store = SQLInstanceStateStore(database: database, clock: SystemClock())
            let engine = LifecycleEngine(driver: FakeDriver(delay: .zero, sleep: { _ in await Task.yield() }), store: store)
            // The API read the server mid-build; the build finished before its delete was stored.
            try await Self.insertInstance("built", vm: .building, task: .spawning, database)
            let readMidBuild = try #require(try await store.record("built"))
            var finished = readMidBuild
            finished.state = InstanceState(.active, power: .running)
            try await store.save("built", finished)
            let deleting = try await engine.submit(.delete, instance: "built", current: readMidBuild, isAdmin: false)
            #expect(deleting.state.task == .deleting)
            // A stop read while the server was active, stored after another stop: judged again, and refused
            // as the second stop of a stopping server is.
            try await Self.insertInstance("stopped", vm: .active, task: nil, database)
            let readActive = try #require(try await store.record("stopped"))
            var stopping = readActive
            stopping.state.task = .poweringOff
            try await store.save("stopped", stopping)
            await #expect(throws: StateRefusal.self) {
                try await engine.submit(.stop, instance: "stopped", current: readActive, isAdmin: false)
            }
            #expect(try await store.record("stopped")?.state.task == .poweringOff)
            await engine.idle()
            #expect(try await store.record("built") == nil)  // deleted: soft-deleted rows are not read back
        }
    }

    @Test("two nodes' engines over one database: of many concurrent stops exactly one is accepted", arguments: TestDatabases.engines)
    func concurrentSubmits(url: DatabaseURL) async throws {
        try await TestDatabases.with(url) { (database, _) async throws in
            try await SchemaMigrator(database: database, migrations: ComputeSchema.migrations).sync()
            let store = SQLInstanceStateStore(database: database, clock: SystemClock())
            try await Self.insertInstance("shared", vm: .active, task: nil, database)
            let driver = FakeDriver(delay: .milliseconds(200))
            let nodes = [LifecycleEngine(driver: driver, store: store), LifecycleEngine(driver: driver, store: store)]
            let accepted = await withTaskGroup(of: Bool.self) { group in
                for attempt in 0..<10 {
                    group.addTask {
                        do {
                            try await nodes[attempt % 2].submit(.stop, instance: "shared", isAdmin: false)
                            return true
                        } catch is StateRefusal {
                            return false
                        } catch is LifecycleEngine.ConcurrentUpdate {
                            return false
                        } catch {
                            Issue.record("unexpected \(error)")
                            return false
                        }
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(accepted == 1)
            for node in nodes { await node.idle() }
            #expect(try await store.record("shared")?.state.status == "SHUTOFF")
        }
    }
}
