import Foundation
import HTTPTypes
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitHTTP
import NovaKitPolicy
import NovaKitStorage

/// `evacuate` (admin): a server whose host's compute service is down (forced down) is rebuilt on another host —
/// the one named, or one the scheduler picks — with an `evacuation` migration record. Before 2.14 the body
/// says whether storage is shared and the reply carries the admin password; `force` lives from 2.29 until
/// 2.68; from 2.95 the evacuated server lands stopped.
extension ServerContext {
    @APIBuilder var evacuateDeclarations: [APIDeclaration] {
        Actions(on: Servers.key) {
            Action("evacuate", body: EvacuateBody.self, policy: ServerRules.evacuate, status: .ok) { server, body, request in
                try await evacuate(server, body, request)
            }
        }
    }

    func evacuate(_ server: Server, _ body: EvacuateBody, _ request: APIRequest) async throws -> Reply {
        let action: InstanceAction = request.version >= APIVersion(2, 95) ? .evacuateStopped : .evacuate
        try check(action, server, request)
        let source = server.host ?? ""
        if let wanted = body.host, !compute.configuration.hosts.contains(where: { $0.name == wanted }) {
            throw Fault.notFound("Compute host \(wanted) could not be found.")
        }
        let services = try await compute.services.computes()
        if let service = services.first(where: { $0.host == source }), !service.forcedDown {
            throw Fault.badRequest("Compute service of \(source) is still in use.")
        }
        var hosts = compute.configuration.hosts.filter { $0.name != source }
        if let wanted = body.host {
            guard wanted != source else { throw Fault.badRequest("The target host can't be the same one.") }
            hosts = hosts.filter { $0.name == wanted }
        }
        let destination = try await chooseHost(for: server.flavor.resources, among: hosts)
        let migration = moveRecord(server, to: destination.name, type: "evacuation", request)
        let migrations = self.migrations
        try await run(action, on: server, request) { try await migrations.create(migration) }
        guard request.version < APIVersion(2, 14) else { return .empty }
        return Reply(["adminPass": .string(body.adminPass ?? Self.password(ids.uuid()))])
    }
}

/// `{"evacuate": {"host", "adminPass", "onSharedStorage" (before 2.14), "force" (2.29–2.67)}}`
struct EvacuateBody: RequestBody {
    let host: String?
    let adminPass: String?

    static func schema(at version: APIVersion) -> Schema {
        var fields: [String: Schema] = ["host": .string(minLength: 1, maxLength: 255), "adminPass": .string()]
        var required: [String] = []
        if version < APIVersion(2, 14) {
            fields["onSharedStorage"] = .novaBoolean
            required.append("onSharedStorage")
        }
        if version >= APIVersion(2, 29) && version < APIVersion(2, 68) { fields["force"] = .novaBoolean }
        return .object(fields, required: required)
    }
}
