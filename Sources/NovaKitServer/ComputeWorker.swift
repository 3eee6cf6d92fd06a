import Logging
import NovaKitCompute
import ServiceLifecycle

/// Runs this node's share of the cloud's work (on a node whose role runs work): starts the work other nodes hand
/// over (API nodes: all they accept; any node: an action on an instance whose work runs here) as soon as their
/// notice arrives, keeps this node's leases on the work it runs, and takes over the
/// work of nodes whose leases ran out. Notices can be missed (a connection lost), so it also looks for handed
/// work a few times per lease.
///
/// On a graceful stop (SIGTERM) it is the last service to stop (`serve` lists it first), so the listeners
/// have closed and no new work arrives: it then keeps renewing until the work running here ends, up to
/// `drainLimit`, so a node stopped for a rolling restart finishes its servers' builds and actions instead of
/// leaving them to be taken over, and settled as interrupted, by another node.
struct ComputeWorker: Service {
    let runtime: ComputeRuntime
    let logger: Logger
    /// The longest a graceful stop waits for the work in flight; what is still running then is left to the other
    /// nodes (or this node's next start), as after a kill.
    var drainLimit: Duration = .seconds(60)

    private var period: Duration { .milliseconds(runtime.configuration.leaseSeconds * 1000 / 3) }

    func run() async throws {
        let notices = runtime.handedWork()
        await withDiscardingTaskGroup { group in
            group.addTask { await takeHandedWork(as: notices) }
            await keepLeases()
            group.cancelAll()  // no new work once stopping
        }
        if Task.isShuttingDownGracefully && !Task.isCancelled { await drain() }
    }

    /// Starts handed work at each notice, until the node stops.
    private func takeHandedWork(as notices: AsyncStream<Void>) async {
        await cancelWhenGracefulShutdown {
            for await _ in notices { await takeHanded() }
        }
    }

    private func takeHanded() async {
        do {
            try await runtime.engine.takeHanded()
        } catch {
            logger.error("taking handed-over work failed: \(String(reflecting: error))")
        }
    }

    /// Every third of a lease: renews, takes over abandoned work, and looks for handed work a notice missed.
    private func keepLeases() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await runtime.engine.renewLeases()
                let taken = try await runtime.engine.takeOverAbandoned()
                if !taken.isEmpty { logger.info("took over the work of \(taken.count) server(s) whose node stopped renewing its lease") }
            } catch {
                logger.error("keeping or taking over compute leases failed: \(String(reflecting: error))")
            }
            await takeHanded()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: period) }
        }
    }

    /// Renews this node's leases until its work in flight has ended or `drainLimit` has passed.
    private func drain() async {
        let engine = runtime.engine
        let clock = ContinuousClock()
        let deadline = clock.now + drainLimit
        // Renewed at once: the last renewal of `keepLeases` may be most of a period old.
        var renewed = clock.now - period
        var waitingFor = await engine.runningCount
        if waitingFor > 0 { logger.notice("stopping: waiting for the work of \(waitingFor) server(s) to finish") }
        while waitingFor > 0 {
            guard clock.now < deadline else {
                logger.warning("stopping with the work of \(waitingFor) server(s) unfinished; another node takes it over once its lease runs out")
                return
            }
            if clock.now - renewed >= period {
                do {
                    try await engine.renewLeases()
                } catch {
                    logger.error("renewing compute leases while stopping failed: \(String(reflecting: error))")
                }
                renewed = clock.now
            }
            try? await Task.sleep(for: .milliseconds(20))
            waitingFor = await engine.runningCount
        }
    }
}
