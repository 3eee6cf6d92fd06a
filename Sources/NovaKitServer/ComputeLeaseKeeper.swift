import Logging
import NovaKitCompute
import ServiceLifecycle

/// Keeps this node's leases on the work it runs, and takes over the work of nodes whose leases ran out, a few
/// times per lease.
struct ComputeLeaseKeeper: Service {
    let runtime: ComputeRuntime
    let logger: Logger

    func run() async throws {
        let period = Duration.milliseconds(runtime.configuration.leaseSeconds * 1000 / 3)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await runtime.engine.renewLeases()
                let taken = try await runtime.engine.takeOverAbandoned()
                if !taken.isEmpty { logger.info("took over the work of \(taken.count) server(s) whose node stopped renewing its lease") }
            } catch {
                logger.error("keeping or taking over compute leases failed: \(String(reflecting: error))")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: period) }
        }
    }
}
