import Foundation
import Logging
import NovaKitCompute
import ServiceLifecycle

/// The periodic task that reclaims soft-deleted servers once `--reclaim-interval` has passed. Every node ticks;
/// each tick's run is claimed by one node of those on the database (`PeriodicJobClaims`).
struct ComputeReclaimer: Service {
    let runtime: ComputeRuntime
    let logger: Logger

    func run() async throws {
        let interval = runtime.configuration.reclaimInterval
        guard interval > 0 else {
            try? await gracefulShutdown()  // returning early would end the whole service group
            return
        }
        // Check a few times per interval (at least once a second) so a reclaim is never much late.
        let seconds = Double(max(1, min(interval, 60))) / 4
        let period = Duration.seconds(seconds)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let now = Date()
                if try await runtime.periodicJobs.claim("reclaim", every: seconds, now: now) {
                    let reclaimed = try await runtime.reclaim(now: now)
                    if !reclaimed.isEmpty { logger.info("reclaimed \(reclaimed.count) soft-deleted server(s)") }
                }
            } catch {
                logger.error("reclaiming soft-deleted servers failed: \(String(reflecting: error))")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: period) }
        }
    }
}
