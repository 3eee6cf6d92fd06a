import Foundation
import HTTPTypes
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// `/servers/{server_id}/metadata`: list, merge (POST), replace (PUT), one key (GET/PUT/DELETE).
extension ServerContext {
    static let metadataKey = ResourceKey<Server>("metadata", under: Servers.key, parameter: "server_id")

    @APIBuilder var metadataDeclarations: [APIDeclaration] {
        Resource(Self.metadataKey) {
            Index(policy: ServerRules.metadataIndex) { server, _ in Reply(["metadata": .object(server.metadata.mapValues(JSON.string))]) }
            Create(body: MetadataBody.self, policy: ServerRules.metadataCreate) { server, body, request in
                try await writeMetadata(server, body.metadata.values, merging: true, request)
            }
            Operation(.named("update_all"), method: .put, path: "", body: MetadataBody.self, policy: ServerRules.metadataUpdateAll) {
                server, body, request in try await writeMetadata(server, body.metadata.values, merging: false, request)
            }
            Show(policy: ServerRules.metadataShow) { server, request in
                let key = request.parameter("id")
                guard let value = server.metadata[key] else { throw Fault.notFound("Metadata item was not found") }
                return Reply(["meta": [key: .string(value)]])
            }
            Update(body: MetaBody.self, policy: ServerRules.metadataUpdate) { server, body, request in
                guard body.meta.count == 1 else { throw Fault.badRequest("Request body contains too many items") }
                guard body.meta[request.parameter("id")] != nil else { throw Fault.badRequest("Request body and URI mismatch") }
                let given = try ServerMetadataValue.validated(body.meta)
                _ = try await writeMetadata(server, given, merging: true, request)
                return Reply(["meta": .object(given.mapValues(JSON.string))])
            }
            Delete(policy: ServerRules.metadataDelete) { server, request in
                try checkLock(server, request)
                let key = request.parameter("id")
                guard server.metadata[key] != nil else { throw Fault.notFound("Metadata item was not found") }
                var remaining = server.metadata
                remaining[key] = nil
                try await metadata.replace(server.id, with: remaining)
                return .empty
            }
        }
    }

    /// Merges the given metadata into the server's (or replaces it), within the project's metadata_items quota.
    func writeMetadata(_ server: Server, _ given: [String: String], merging: Bool, _ request: APIRequest) async throws -> Reply {
        try checkLock(server, request)
        let merged = merging ? server.metadata.merging(given) { $1 } : given
        try await quotas.checkMetadataItems(merged.count, project: server.projectID)
        try await metadata.replace(server.id, with: merged)
        return Reply(["metadata": .object(merged.mapValues(JSON.string))])
    }

}

/// `{"metadata": {…}}` for a merge (POST) or a replacement (PUT) of a server's or an image's metadata.
struct MetadataBody: RequestBody {
    let metadata: ServerMetadataValue

    static func schema(at version: APIVersion) -> Schema { .object(["metadata": ServerMetadataValue.schema], required: ["metadata"]) }
}

/// `{"meta": {"<key>": "value"}}` for `PUT …/metadata/<key>`.
struct MetaBody: RequestBody {
    let meta: [String: JSON]

    static func schema(at version: APIVersion) -> Schema {
        .object(["meta": Schema(types: [.object], minItems: nil, items: nil)], required: ["meta"])
    }
}

/// The SQL of `instance_metadata`: the live rows are the metadata; a change soft-deletes what went.
struct ServerMetadataStore: Sendable {
    let database: Database
    let clock: any NovaClock

    func replace(_ instance: String, with metadata: [String: String]) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            let current = try await sql.select().column("key").from("instance_metadata").where("instance_uuid", .equal, SQLBind(instance))
                .readDeleted(.no).all().map { try $0.decode(column: "key", as: String.self) }
            for key in current where metadata[key] == nil {
                _ = try await sql.softDelete(from: "instance_metadata", matching: [("instance_uuid", instance), ("key", key)], at: now)
            }
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
                try await sql.setLive(
                    in: "instance_metadata", matching: [("instance_uuid", instance), ("key", key)], values: [("value", value)], at: now)
            }
        }
    }
}
