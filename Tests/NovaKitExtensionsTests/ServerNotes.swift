import Foundation
import HTTPTypes
import NovaKitAPI
import NovaKitComputeAPI
import NovaKitCore
import NovaKitHTTP
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// `{"os-setNote": {"note": "…"}}`: a new server action in one file — its policy, its table and its handler,
/// added to the servers API's action table without a line changed there. Registered with one line:
/// `ServerNotes(database: environment.database, clock: environment.clock)`.
struct ServerNotes: APIExtension {
    let database: Database
    let clock: any NovaClock

    let descriptor = ExtensionDescriptor(
        name: "ServerNotes", alias: "os-server-notes", namespace: "http://example.com/compute/ext/server-notes/api/v1",
        updated: "2026-11-26T00:00:00Z", description: "A note on a server.")

    static let rule = PolicyDefault("compute_extension:server-notes", "rule:admin_or_owner", description: "Set a server's note.")
    var policies: [PolicyDefault] { [Self.rule] }

    var migrations: [SchemaMigration] {
        [
            SchemaMigration("os-server-notes/001_create_server_notes") { sql, _ in
                try await sql.createSoftDeletableTable("server_notes") {
                    $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("instance_uuid", type: .text, .notNull)
                        .column("note", type: .text, .notNull)
                }
            }
        ]
    }

    /// The value under the action's key.
    struct NoteBody: RequestBody {
        let note: String

        static func schema(at version: APIVersion) -> Schema { .object(["note": .string(maxLength: 255)], required: ["note"]) }
    }

    var api: [APIDeclaration] {
        // The framework hands the handler the server it already loaded (404 for one the caller cannot see).
        Actions(on: Servers.key) {
            Action("os-setNote", body: NoteBody.self, policy: Self.rule, status: .ok) { server, body, request in
                if server.locked && !request.auth.isAdmin { throw Fault.conflict("Instance \(server.id) is locked") }
                let now = clock.now()
                try await database.transaction { sql in
                    try await sql.setLive(in: "server_notes", matching: [("instance_uuid", server.id)], values: [("note", body.note)], at: now)
                }
                return Reply(["note": .string(body.note)])
            }
        }
        // And shows it on the server, for every microversion.
        Extend(Servers.key, [.show]) { request, view in
            guard let id = view["server"]?["id"]?.stringValue else { return }
            let note = try await database.withConnection { sql in
                try await sql.select().column("note").from("server_notes").where("instance_uuid", .equal, SQLBind(id)).readDeleted(.no)
                    .first()?.decode(column: "note", as: String.self)
            }
            view["server"]?["os-server-notes:note"] = note.map(JSON.string) ?? .null
        }
    }
}
