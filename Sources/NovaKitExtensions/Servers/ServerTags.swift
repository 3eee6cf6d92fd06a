import Foundation
import NovaKitAPI
import NovaKitCompute

/// `/servers/{server_id}/tags` (2.26+): list, replace, clear, and one tag (check, add, remove).
enum ServerTags {
    static func rule(_ action: String) -> String { "os_compute_api:os-server-tags:\(action)" }

    static let policies: [PolicyDefault] = ["index", "show", "update", "update_all", "delete", "delete_all"].map {
        PolicyDefault(rule($0), "rule:admin_or_owner")
    }

    static let tagSchema = Schema.string(minLength: 1, maxLength: 60, pattern: "^[^,/]*$")
    static let maxTags = 50
    static let replaceSchema = Schema.object(["tags": .array(tagSchema, maxItems: maxTags)], required: ["tags"])
    static let versions = VersionRange.from(26)

    @APIBuilder static var declarations: [APIDeclaration] {
        Resource(
            "tags", parent: .init("servers", parameter: "server_id"), memberTarget: Servers.target("server_id"),
            collectionTarget: Servers.target("server_id")
        ) {
            Index(versions: versions, policy: rule("index")) { request in
                let server = try await Servers.visibleServer(request, request.parameter("server_id"))
                return Reply(["tags": .array(server.tags.map(JSON.string))])
            }
            Operation("update_all", method: .put, path: "", versions: versions, policy: rule("update_all"), schema: replaceSchema) { request in
                let server = try await writable(request)
                let tags = Set((request.body["tags"]?.arrayValue ?? []).compactMap(\.stringValue))
                try await ServerTagStore(request).replace(server.id, with: tags)
                return Reply(["tags": .array(tags.sorted().map(JSON.string))])
            }
            Operation("delete_all", method: .delete, path: "", versions: versions, policy: rule("delete_all"), status: .noContent) { request in
                let server = try await writable(request)
                try await ServerTagStore(request).replace(server.id, with: [])
                return .empty
            }
            Show(versions: versions, policy: rule("show"), status: .noContent) { request in
                let server = try await Servers.visibleServer(request, request.parameter("server_id"))
                guard server.tags.contains(request.parameter("id")) else { throw tagNotFound(request) }
                return .empty
            }
            Operation("update", method: .put, path: "{id}", versions: versions, policy: rule("update"), status: .created) { request in
                let server = try await writable(request)
                let tag = request.parameter("id")
                do { _ = try tagSchema.validate(.string(tag), tolerateUnknownKeys: false) } catch {
                    throw Fault.badRequest("Tag '\(tag)' is invalid: it must be 1 to 60 characters without ',' or '/'")
                }
                let location = ["Location": "\(request.versionedBase)/servers/\(server.id)/tags/\(tag)"]
                if server.tags.contains(tag) { return Reply(nil, headers: location, status: .noContent) }
                guard server.tags.count < maxTags else { throw Fault.badRequest("The number of tags exceeded the per-server limit \(maxTags)") }
                try await ServerTagStore(request).replace(server.id, with: Set(server.tags + [tag]))
                return Reply(nil, headers: location)
            }
            Delete(versions: versions, policy: rule("delete")) { request in
                let server = try await writable(request)
                let tag = request.parameter("id")
                guard server.tags.contains(tag) else { throw tagNotFound(request) }
                try await ServerTagStore(request).replace(server.id, with: Set(server.tags).subtracting([tag]))
                return .empty
            }
        }
    }

    static func tagNotFound(_ request: APIRequest) -> Fault {
        .notFound("Tag \(request.parameter("id")) could not be found for instance \(request.parameter("server_id")).")
    }

    /// Tags change only on a server that is not locked (for non-admins) and not mid-task, as Nova requires.
    static func writable(_ request: APIRequest) async throws -> Server {
        let server = try await Servers.visibleServer(request, request.parameter("server_id"))
        try ServerActions.checkLock(server, request)
        let allowed: Set<VMState> = [.active, .paused, .suspended, .stopped, .resized, .error, .building, .shelved, .shelvedOffloaded, .rescued]
        guard allowed.contains(server.state.vm) else {
            throw Fault.conflict("Cannot 'update tags' instance \(server.id) while it is in vm_state \(server.state.vm.rawValue)")
        }
        return server
    }
}

/// The SQL of `instance_tags`.
struct ServerTagStore: TableStore {
    let database: Database
    let clock: any NovaClock

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
