import Foundation
import HTTPTypes
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitHTTP
import NovaKitImage
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// `shelve`, `shelveOffload` and `unshelve`. Shelving snapshots the server as `<name>-shelved`, powers it off
/// and — as Nova's default `shelved_offload_time` of 0 does — offloads it from its host at once, freeing the
/// host's resources (the project's quota stays used). Unshelving schedules the server again (onto a chosen
/// host from 2.91, for admins), starts it and deletes the shelved snapshot.
extension ServerContext {
    @APIBuilder var shelveDeclarations: [APIDeclaration] {
        Actions(on: Servers.key) {
            Action("shelve", policy: ServerRules.shelve) { server, request in try await shelve(server, request) }
            Action("shelveOffload", policy: ServerRules.shelveOffload) { server, request in try await simple(server, .shelveOffload, request) }
            Action("unshelve", versions: .through(76), policy: ServerRules.unshelve) { server, request in
                try await unshelve(server, UnshelveBody(), request)
            }
            Action("unshelve", body: UnshelveBody?.self, versions: .from(77), policy: ServerRules.unshelve) { server, body, request in
                try await unshelve(server, body ?? UnshelveBody(), request)
            }
        }
    }

    /// The snapshot a shelved server keeps, by Nova's name for it.
    static func shelvedImageName(_ server: Server) -> String { "\(server.name)-shelved" }

    func shelve(_ server: Server, _ request: APIRequest) async throws -> Reply {
        try check(.shelve, server, request)
        let imageID = ids.uuid()
        try await images.create(
            Image(
                id: imageID, name: Self.shelvedImageName(server), status: "active", visibility: "private", containerFormat: "bare",
                diskFormat: "qcow2", minDisk: server.flavor.disk, minRam: 0, size: 0, checksum: nil, owner: server.projectID, protected: false,
                hidden: false,
                properties: ["instance_uuid": server.id, "image_type": "snapshot", "base_image_ref": server.imageRef ?? ""],
                createdAt: clock.now(), updatedAt: nil))
        try await run(.shelve, on: server, request)
        return .empty
    }

    /// `unshelve`: from SHELVED back onto its host; from SHELVED_OFFLOADED onto a host the scheduler (or, from
    /// 2.91, an admin) picks.
    func unshelve(_ server: Server, _ body: UnshelveBody, _ request: APIRequest) async throws -> Reply {
        try check(.unshelve, server, request)
        if body.host != nil {
            try request.authorize(ServerRules.unshelveToHost, target: ["project_id": server.projectID, "user_id": server.userID])
        }
        if (body.host != nil || body.availabilityZone != nil), server.state.vm != .shelvedOffloaded {
            throw Fault.conflict(
                "The unshelve action failed because the instance \(server.id) is not in SHELVED_OFFLOADED state; a host or zone applies to offloaded instances only."
            )
        }
        if let zone = body.availabilityZone, zone != AvailabilityZones.zone {
            throw Fault.badRequest("The requested availability zone is not available")
        }
        var destination: String?
        if server.state.vm == .shelvedOffloaded {
            var hosts = compute.configuration.hosts
            if let wanted = body.host {
                hosts = hosts.filter { $0.name == wanted }
                guard !hosts.isEmpty else { throw Fault.badRequest("Compute host \(wanted) could not be found.") }
            }
            destination = try await chooseHost(for: server.flavor.resources, among: hosts).name
        }
        let (servers, chosen) = (self.servers, destination)
        try await run(.unshelve, on: server, request) {
            if let chosen { try await servers.set(server.id, [("host", chosen), ("node", chosen)]) }
        }
        let shelvedImages = try await images.all().filter {
            $0.properties["instance_uuid"] == server.id && $0.name == Self.shelvedImageName(server)
        }
        for image in shelvedImages { try? await images.delete(image.id, project: server.projectID, isAdmin: true) }
        return .empty
    }
}

/// `{"unshelve": null}`, from 2.77 `{"availability_zone": …}`, from 2.91 also `{"host": …}` (zone may be null).
struct UnshelveBody: RequestBody {
    var availabilityZone: String?
    var host: String?

    init() {}

    enum CodingKeys: String, CodingKey {
        case availabilityZone = "availability_zone"
        case host
    }

    static func schema(at version: APIVersion) -> Schema {
        let zone = Schema.string(minLength: 1, maxLength: 255)
        if version >= APIVersion(2, 91) {
            return Schema(
                types: [.object, .null], properties: ["availability_zone": zone.nullable, "host": .string(minLength: 1, maxLength: 255)],
                additionalProperties: false)
        }
        return Schema(types: [.object, .null], properties: ["availability_zone": zone], additionalProperties: false)
    }
}
