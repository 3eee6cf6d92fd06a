import Foundation
import HTTPTypes
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// `/servers/{server_id}/tags` (2.26+): list, replace, clear, and one tag (check, add, remove).
extension ServerContext {
    static let tagsKey = ResourceKey<Server>("tags", under: Servers.key, parameter: "server_id")

    /// `{"tags": ["a", "b"]}`
    struct TagsBody: RequestBody {
        let tags: [String]

        static func schema(at version: APIVersion) -> Schema {
            .object(["tags": .array(ServerTagStore.tagSchema, maxItems: ServerTagStore.maxTags)], required: ["tags"])
        }
    }

    @APIBuilder var tagDeclarations: [APIDeclaration] {
        let versions = VersionRange.from(26)
        Resource(Self.tagsKey) {
            Index(versions: versions, policy: ServerRules.tagsIndex) { server, _ in Reply(["tags": .array(server.tags.map(JSON.string))]) }
            Operation(.named("update_all"), method: .put, path: "", body: TagsBody.self, versions: versions, policy: ServerRules.tagsUpdateAll) {
                server, body, request in
                try writableTags(server, request)
                let tags = Set(body.tags)
                try await self.tags.replace(server.id, with: tags)
                return Reply(["tags": .array(tags.sorted().map(JSON.string))])
            }
            Operation(.named("delete_all"), method: .delete, path: "", versions: versions, policy: ServerRules.tagsDeleteAll, status: .noContent) {
                (server: Server, request: APIRequest) in
                try writableTags(server, request)
                try await self.tags.replace(server.id, with: [])
                return .empty
            }
            Show(versions: versions, policy: ServerRules.tagsShow, status: .noContent) { server, request in
                guard server.tags.contains(request.parameter("id")) else { throw Self.tagNotFound(request) }
                return .empty
            }
            Operation(.update, method: .put, path: "{id}", versions: versions, policy: ServerRules.tagsUpdate, status: .created) {
                (server: Server, request: APIRequest) in
                try writableTags(server, request)
                let tag = request.parameter("id")
                do { _ = try ServerTagStore.tagSchema.validate(.string(tag), tolerateUnknownKeys: false) } catch {
                    throw Fault.badRequest("Tag '\(tag)' is invalid: it must be 1 to 60 characters without ',' or '/'")
                }
                let location = ["Location": "\(request.versionedBase)/servers/\(server.id)/tags/\(tag)"]
                if server.tags.contains(tag) { return Reply(nil, headers: location, status: .noContent) }
                guard server.tags.count < ServerTagStore.maxTags else {
                    throw Fault.badRequest("The number of tags exceeded the per-server limit \(ServerTagStore.maxTags)")
                }
                try await self.tags.replace(server.id, with: Set(server.tags + [tag]))
                return Reply(nil, headers: location)
            }
            Delete(versions: versions, policy: ServerRules.tagsDelete) { server, request in
                try writableTags(server, request)
                let tag = request.parameter("id")
                guard server.tags.contains(tag) else { throw Self.tagNotFound(request) }
                try await self.tags.replace(server.id, with: Set(server.tags).subtracting([tag]))
                return .empty
            }
        }
    }

    static func tagNotFound(_ request: APIRequest) -> Fault {
        .notFound("Tag \(request.parameter("id")) could not be found for instance \(request.parameter("server_id")).")
    }

    /// Tags change only on a server that is not locked (for non-admins) and not mid-task, as Nova requires.
    func writableTags(_ server: Server, _ request: APIRequest) throws {
        try checkLock(server, request)
        let allowed: Set<VMState> = [.active, .paused, .suspended, .stopped, .resized, .error, .building, .shelved, .shelvedOffloaded, .rescued]
        guard allowed.contains(server.state.vm) else {
            throw Fault.conflict("Cannot 'update tags' instance \(server.id) while it is in vm_state \(server.state.vm.rawValue)")
        }
    }
}

/// The SQL of `instance_tags`.
struct ServerTagStore: Sendable {
    let database: Database
    let clock: any NovaClock

    static let tagSchema = Schema.string(minLength: 1, maxLength: 60, pattern: "^[^,/]*$")
    static let maxTags = 50

    func replace(_ instance: String, with tags: Set<String>) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            let current = Set(
                try await sql.select().column("tag").from("instance_tags").where("instance_uuid", .equal, SQLBind(instance)).readDeleted(.no)
                    .all().map { try $0.decode(column: "tag", as: String.self) })
            for tag in current.subtracting(tags) {
                _ = try await sql.softDelete(from: "instance_tags", matching: [("instance_uuid", instance), ("tag", tag)], at: now)
            }
            for tag in tags.subtracting(current).sorted() {
                try await sql.insert(into: "instance_tags").columns("instance_uuid", "tag", "created_at", "deleted")
                    .values(SQLBind(instance), SQLBind(tag), SQLBind(now), SQLBind(0)).run()
            }
        }
    }
}
