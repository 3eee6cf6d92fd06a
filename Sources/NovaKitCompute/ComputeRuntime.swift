public import Foundation
public import Logging
public import NovaKitCore
public import NovaKitStorage
import SQLKit

/// How the simulated compute service behaves: fake hosts, driver step delay and failures, reclaim interval.
public struct ComputeConfiguration: Sendable {
    /// How long each fake driver step takes.
    public var stepDelay: Duration = .milliseconds(200)
    /// Driver steps that fail for every instance.
    public var failingSteps: Set<DriverStep> = []
    /// The fake hosts the scheduler chooses from.
    public var hosts: [ComputeHost] = [.default]
    /// Seconds a deleted instance is kept restorable (Nova's `reclaim_instance_interval`); 0 deletes at once.
    public var reclaimInterval: Int = 0
    /// Seconds a node's hold on the work it runs lasts without renewal: how long the work of a node that died
    /// waits before another node takes it over.
    public var leaseSeconds: Int = 10
    /// Whether this node runs the work it accepts (`all`), hands it to compute nodes (`api`), or only runs
    /// work (`compute`).
    public var role = NodeRole.all

    public init() {}

    /// Parses `name:vcpus:ram_mb:disk_gb` host descriptions.
    public static func host(parsing text: String) -> ComputeHost? {
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 4, !parts[0].isEmpty, let vcpus = Int(parts[1]), let ram = Int(parts[2]), let disk = Int(parts[3]),
            vcpus > 0, ram > 0, disk > 0
        else { return nil }
        return ComputeHost(name: parts[0], vcpus: vcpus, memoryMB: ram, diskGB: disk)
    }
}

/// The compute service inside a NovaKit process: the lifecycle engine over the SQL tables and the fake
/// driver, with the configuration the API needs (hosts for scheduling, reclaim interval).
public struct ComputeRuntime: Sendable {
    public let engine: LifecycleEngine
    public let configuration: ComputeConfiguration
    /// The service records (`os-services`, hypervisors) and which hosts the scheduler may use.
    public let services: ComputeServiceStore
    /// Claims of periodic jobs' runs, so each runs once per period across the nodes on the database.
    public let periodicJobs: PeriodicJobClaims
    /// This process among the nodes on the database (host name, process id and a random part): the holder of
    /// its leases and claims.
    public let node: String
    let database: Database

    /// Whether this is the only node that can serve the database (SQLite), so whatever a previous run left
    /// held is abandoned at start.
    public var isOnlyNode: Bool { database.kind == .sqlite }

    /// Instance metadata that makes the fake driver fail the listed steps (`spawn,finish_resize`).
    public static let failMetadataKey = "fake_fail_step"

    public init(database: Database, clock: any NovaClock, configuration: ComputeConfiguration, logger: Logger = Logger(label: "novakit.compute")) {
        self.configuration = configuration
        self.database = database
        services = ComputeServiceStore(database: database, clock: clock)
        let process = ProcessInfo.processInfo
        node = "\(process.hostName):\(process.processIdentifier):\(String(UInt32.random(in: .min ... .max), radix: 16))"
        periodicJobs = PeriodicJobClaims(database: database, node: node)
        let driver = FakeDriver(delay: configuration.stepDelay, failing: configuration.failingSteps) { instance in
            await Self.failingSteps(of: instance, database)
        }
        let leases = SQLWorkLeases(
            database: database, clock: clock, node: node, duration: TimeInterval(configuration.leaseSeconds), runsWork: configuration.role.runsWork)
        engine = LifecycleEngine(
            driver: driver, store: SQLInstanceStateStore(database: database, clock: clock, leases: leases),
            journal: SQLLifecycleJournal(database: database, clock: clock, host: configuration.hosts.first?.name ?? ComputeHost.default.name),
            leases: leases, logger: logger)
    }

    /// A wake-up each time another node hands work over (an API node accepted an action), and whenever such
    /// notices may have been missed (the change feed's connection was set up again). Subscribes for good:
    /// called once, by the service that takes the work.
    public func handedWork() -> AsyncStream<Void> {
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        database.changes.subscribe(.computeWork) { _ in wake.yield() }
        return wakes
    }

    private static func failingSteps(of instance: String, _ database: Database) async -> Set<DriverStep> {
        let value = try? await database.read { sql in
            try await sql.select().column("value").from("instance_metadata").where("instance_uuid", .equal, SQLBind(instance))
                .where("key", .equal, SQLBind(failMetadataKey)).readDeleted(.no).first()?.decode(column: "value", as: String.self)
        }
        return Set((value ?? "").split(separator: ",").compactMap { DriverStep(rawValue: $0.trimmingCharacters(in: .whitespaces)) })
    }
}

extension ComputeRuntime {
    /// Deletes for good the soft-deleted instances older than the reclaim interval (Nova's
    /// `_reclaim_queued_deletes`); returns the ids it started deleting.
    @discardableResult
    public func reclaim(now: Date) async throws -> [String] {
        guard configuration.reclaimInterval > 0 else { return [] }
        let cutoff = now.addingTimeInterval(-Double(configuration.reclaimInterval))
        let due = try await database.withConnection { sql in
            try await sql.select().column("uuid").from("instances").readDeleted(.no)
                .where("vm_state", .equal, SQLBind(VMState.softDeleted.rawValue)).where("task_state", .is, SQLLiteral.null)
                .where("updated_at", .lessThan, SQLBind(cutoff)).orderBy("id").all().map { try $0.decode(column: "uuid", as: String.self) }
        }
        var started: [String] = []
        for instance in due {
            do {
                try await engine.submit(.delete, instance: instance, isAdmin: true)
                started.append(instance)
            } catch is StateRefusal {
                continue  // someone restored or deleted it meanwhile
            } catch is LifecycleEngine.ConcurrentUpdate {
                continue
            }
        }
        return started
    }
}
