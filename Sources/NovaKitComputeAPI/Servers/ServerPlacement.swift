import Foundation
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitHTTP
import NovaKitStorage

/// Where a server already placed goes next (live migration, evacuation, unshelve): a host among `hosts`
/// with room for its flavor, skipping disabled and forced-down ones, and the migration record of the move.
extension ServerContext {
    /// The scheduler's pick; no host with room is a 400 with Nova's NoValidHost message.
    func chooseHost(for server: Server, among hosts: [ComputeHost]) async throws -> ComputeHost {
        let (usage, unschedulable) = try await database.read { sql in
            (try await ResourceUsage.hosts(sql), try await ComputeServiceStore.unschedulableHosts(sql))
        }
        do { return try Scheduler.select(server.flavor.resources, hosts: hosts, used: usage, excluding: unschedulable) } catch {
            throw Fault.badRequest(error.reason)
        }
    }

    /// A new `type` migration record (accepted) for the server going to `destination` with its own flavor.
    func moveRecord(_ server: Server, to destination: String, type: String, _ request: APIRequest) -> MigrationRecord {
        MigrationRecord(
            id: 0, uuid: ids.uuid(), instance: server.id, sourceCompute: server.host, destCompute: destination,
            oldFlavorID: server.flavor.id, newFlavorID: server.flavor.id, type: type, status: MigrationStatus.accepted.rawValue,
            userID: request.auth.userID, projectID: request.auth.projectID, createdAt: clock.now(), updatedAt: nil)
    }
}
