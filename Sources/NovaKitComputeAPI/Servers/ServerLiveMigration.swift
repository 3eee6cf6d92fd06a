import Foundation
import HTTPTypes
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitHTTP
import NovaKitPolicy
import NovaKitStorage

/// `os-migrateLive` (admin): the running (or paused) server moves to another host — the one named, or one the
/// scheduler picks — and stays as it was; a `live-migration` record goes accepted → running → completed.
/// Body by microversion: `block_migration` and `disk_over_commit` before 2.25, `block_migration` "auto" from
/// 2.25, `force` from 2.30 until 2.68.
extension ServerContext {
    @APIBuilder var liveMigrationDeclarations: [APIDeclaration] {
        Actions(on: Servers.key) {
            Action("os-migrateLive", body: LiveMigrateBody.self, policy: ServerRules.migrateLive) { server, body, request in
                try await liveMigrate(server, to: body.host, request)
            }
        }
    }

    func liveMigrate(_ server: Server, to requestedHost: String?, _ request: APIRequest) async throws -> Reply {
        try check(.liveMigrate, server, request)
        let source = server.host ?? ""
        var hosts = compute.configuration.hosts.filter { $0.name != source }
        if let requestedHost {
            guard compute.configuration.hosts.contains(where: { $0.name == requestedHost }) else {
                throw Fault.badRequest("Compute host \(requestedHost) could not be found.")
            }
            guard requestedHost != source else {
                throw Fault.badRequest("Unable to migrate instance (\(server.id)) to current host (\(source)).")
            }
            hosts = hosts.filter { $0.name == requestedHost }
        }
        let destination = try await chooseHost(for: server.flavor.resources, among: hosts)
        let migration = moveRecord(server, to: destination.name, type: "live-migration", request)
        let migrations = self.migrations
        try await run(.liveMigrate, on: server, request) { try await migrations.create(migration) }
        return .empty
    }
}

/// `{"os-migrateLive": {"host", "block_migration", "disk_over_commit" | "force"}}`.
struct LiveMigrateBody: RequestBody {
    let host: String?

    enum CodingKeys: String, CodingKey { case host }

    static func schema(at version: APIVersion) -> Schema {
        let host = Schema.string(minLength: 1, maxLength: 255).nullable
        if version < APIVersion(2, 25) {
            return .object(
                ["host": host, "block_migration": .novaBoolean, "disk_over_commit": .novaBoolean],
                required: ["host", "block_migration", "disk_over_commit"])
        }
        var fields: [String: Schema] = [
            "host": host, "block_migration": Schema(types: [.boolean, .string], enumValues: Schema.novaBooleanValues + ["auto"]),
        ]
        if version >= APIVersion(2, 30) && version < APIVersion(2, 68) { fields["force"] = .novaBoolean }
        return .object(fields, required: ["host", "block_migration"])
    }
}
