import Foundation
import NovaKitAPI
import NovaKitCompute

/// `/servers/{server_id}/metadata`: list, merge (POST), replace (PUT), one key (GET/PUT/DELETE).
enum ServerMetadata {
    static func rule(_ action: String) -> String { "os_compute_api:server-metadata:\(action)" }

    static let policies: [PolicyDefault] = ["index", "show", "create", "update", "update_all", "delete"].map {
        PolicyDefault(rule($0), "rule:admin_or_owner")
    }

    static let allSchema = Schema.object(["metadata": ServerCreate.metadataSchema], required: ["metadata"])
    static let oneSchema = Schema.object(["meta": Schema(types: [.object], minItems: nil, items: nil)], required: ["meta"])

    @APIBuilder static var declarations: [APIDeclaration] {
        Resource(
            "metadata", parent: .init("servers", parameter: "server_id"), memberTarget: Servers.target("server_id"),
            collectionTarget: Servers.target("server_id")
        ) {
            Index(policy: rule("index")) { request in
                let server = try await Servers.visibleServer(request, request.parameter("server_id"))
                return Reply(["metadata": .object(server.metadata.mapValues(JSON.string))])
            }
            Create(allSchema, policy: rule("create")) { request in
                try await write(request, merging: true)
            }
            Operation("update_all", method: .put, path: "", policy: rule("update_all"), schema: allSchema) { request in
                try await write(request, merging: false)
            }
            Show(policy: rule("show")) { request in
                let server = try await Servers.visibleServer(request, request.parameter("server_id"))
                let key = request.parameter("id")
                guard let value = server.metadata[key] else { throw Fault.notFound("Metadata item was not found") }
                return Reply(["meta": [key: .string(value)]])
            }
            Update(oneSchema, policy: rule("update")) { request in
                let key = request.parameter("id")
                guard let meta = request.body["meta"]?.objectValue, meta.count == 1 else {
                    throw Fault.badRequest("Request body contains too many items")
                }
                guard meta[key] != nil else { throw Fault.badRequest("Request body and URI mismatch") }
                let given = try ServerCreate.validatedMetadata(.object(meta))
                _ = try await write(request, given: given, merging: true)
                return Reply(["meta": .object(given.mapValues(JSON.string))])
            }
            Delete(policy: rule("delete")) { request in
                let server = try await Servers.visibleServer(request, request.parameter("server_id"))
                try ServerActions.checkLock(server, request)
                guard server.metadata[request.parameter("id")] != nil else { throw Fault.notFound("Metadata item was not found") }
                var metadata = server.metadata
                metadata[request.parameter("id")] = nil
                try await ServerMetadataStore(request).replace(server.id, with: metadata)
                return .empty
            }
        }
    }

    /// Merges the given metadata into the server's (or replaces it), within the project's metadata_items quota.
    static func write(_ request: APIRequest, given: [String: String]? = nil, merging: Bool) async throws -> Reply {
        let server = try await Servers.visibleServer(request, request.parameter("server_id"))
        try ServerActions.checkLock(server, request)
        let given = try given ?? ServerCreate.validatedMetadata(request.body["metadata"])
        let metadata = merging ? server.metadata.merging(given) { $1 } : given
        try await checkQuota(metadata.count, project: server.projectID, request)
        try await ServerMetadataStore(request).replace(server.id, with: metadata)
        return Reply(["metadata": .object(metadata.mapValues(JSON.string))])
    }

    /// A server holds at most the project's `metadata_items` entries (403 beyond).
    static func checkQuota(_ count: Int, project: String, _ request: APIRequest) async throws {
        let limit = try await QuotaStore(request).limits(for: project)["metadata_items"] ?? -1
        if limit >= 0, count > limit { throw QuotaExceeded(resource: "metadata_items", requested: count, used: 0, limit: limit) }
    }
}

/// The SQL of `instance_metadata`: the live rows are the metadata; a change soft-deletes what went.
struct ServerMetadataStore: TableStore {
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
