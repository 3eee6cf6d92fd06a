import Foundation
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitHTTP
import NovaKitStorage

/// Where a server already placed goes next (resize, cold and live migration, evacuation, unshelve): a host
/// among `hosts` with room, skipping disabled and forced-down ones, and the migration record of the move.
extension ServerContext {
    /// The scheduler's pick for `resources`; `releasing` a server counts its own usage on its host as free (a
    /// resize may stay where it is). No host with room is a 400 with Nova's NoValidHost message.
    func chooseHost(
        for resources: Resources, among hosts: [ComputeHost], excluding: Set<String> = [], releasing server: Server? = nil
    ) async throws -> ComputeHost {
        var (used, unschedulable) = try await database.read { sql in
            (try await ResourceUsage.hosts(sql), try await ComputeServiceStore.unschedulableHosts(sql))
        }
        if let server, let current = server.host { used[current] = (used[current] ?? .zero) - server.flavor.resources }
        do { return try Scheduler.select(resources, hosts: hosts, used: used, excluding: excluding.union(unschedulable)) } catch {
            throw Fault.badRequest(error.reason)
        }
    }

    /// A new `type` migration record for the server going to `destination`, to flavor `newFlavor` (its own by default).
    func moveRecord(
        _ server: Server, to destination: String, type: String, newFlavor: String? = nil, status: MigrationStatus = .accepted,
        _ request: APIRequest
    ) -> MigrationRecord {
        MigrationRecord(
            id: 0, uuid: ids.uuid(), instance: server.id, sourceCompute: server.host, destCompute: destination,
            oldFlavorID: server.flavor.id, newFlavorID: newFlavor ?? server.flavor.id, type: type, status: status.rawValue,
            userID: request.auth.userID, projectID: request.auth.projectID, createdAt: clock.now(), updatedAt: nil)
    }
}
