import Foundation
import HTTPTypes
public import NovaKitAPI
import NovaKitCompute
public import NovaKitCore
public import NovaKitPolicy
public import NovaKitStorage
import SQLKit

/// `os-migrations` (admin): every resize and cold migration; and `servers/{id}/migrations`, a server's
/// migrations still in progress.
public struct Migrations: APIExtension {
    public static let key = ResourceKey<Never>("os-migrations")
    public static let serverKey = ResourceKey<Server>("migrations", under: Servers.key, parameter: "server_id")

    let store: MigrationStore
    let database: Database

    public init(database: Database, clock: any NovaClock) {
        store = MigrationStore(database: database, clock: clock)
        self.database = database
    }

    public let descriptor = ExtensionDescriptor(
        name: "Migrations", alias: "os-migrations", namespace: "http://docs.openstack.org/compute/ext/migrations/api/v2.0",
        updated: "2013-05-30T00:00:00Z", description: "Provide data on migrations.")

    enum Rules {
        static let index = PolicyDefault("os_compute_api:os-migrations:index", "rule:admin_api", description: "List migrations.")
        static let serverIndex = PolicyDefault(
            "os_compute_api:servers:migrations:index", "rule:admin_api", description: "List a server's live migrations in progress.")
        static let serverShow = PolicyDefault(
            "os_compute_api:servers:migrations:show", "rule:admin_api", description: "Show a server's live migration in progress.")
        static let forceComplete = PolicyDefault(
            "os_compute_api:servers:migrations:force_complete", "rule:admin_api", description: "Force a live migration to complete.")
        static let abort = PolicyDefault(
            "os_compute_api:servers:migrations:delete", "rule:admin_api", description: "Abort a live migration.")
    }

    public var policies: [PolicyDefault] { [Rules.index, Rules.serverIndex, Rules.serverShow, Rules.forceComplete, Rules.abort] }

    static let finalStatuses: Set<String> = ["finished", "confirmed", "reverted", "error", "failed", "completed", "done", "cancelled"]

    public var api: [APIDeclaration] {
        Resource(Self.key) {
            Index(policy: Rules.index) { request in
                var filter = MigrationFilter(
                    instance: request.queryValue("instance_uuid"), status: request.queryValue("status"), host: request.queryValue("host"),
                    sourceCompute: request.queryValue("source_compute"))
                if request.version >= APIVersion(2, 23) { filter.type = request.queryValue("migration_type") }
                if request.version >= APIVersion(2, 80) {
                    filter.userID = request.queryValue("user_id")
                    filter.projectID = request.queryValue("project_id")
                }
                let flavorIDs = try await flavorRowIDs()
                var body: JSON = [:]
                let migrations: [MigrationRecord]
                if request.version >= APIVersion(2, 59) {
                    filter.changesSince = try ServerListing.date("changes-since", request)
                    filter.changesBefore = try ServerListing.date("changes-before", request)
                    let (limit, marker) = try request.pagination()
                    migrations = try await store.list(filter, newestFirst: true, limit: limit, marker: marker)
                    if let next = request.nextLinks("os-migrations", page: migrations.count, limit: limit, lastMarker: migrations.last?.uuid) {
                        body["migrations_links"] = next
                    }
                } else {
                    migrations = try await store.list(filter)
                }
                body["migrations"] = .array(migrations.map { Self.view($0, request, flavorIDs: flavorIDs) })
                return Reply(body)
            }
        }
        Resource(Self.serverKey) {
            Index(versions: .from(23), policy: Rules.serverIndex) { server, request in
                let migrations = try await liveMigrations(of: server).filter { !Self.finalStatuses.contains($0.status) }
                return Reply(["migrations": .array(migrations.map { Self.serverView($0, request) })])
            }
            Show(versions: .from(23), policy: Rules.serverShow) { server, request in
                let migration = try await liveMigration(request.parameter("id"), of: server)
                guard !Self.finalStatuses.contains(migration.status) else {
                    throw Fault.notFound("In-progress live migration \(migration.id) is not found for server \(server.id).")
                }
                return Reply(["migration": Self.serverView(migration, request)])
            }
            // Aborting a live migration that has not finished cancels it: the server stays on its source host.
            Delete(versions: .from(24), policy: Rules.abort, status: .accepted) { server, request in
                let migration = try await liveMigration(request.parameter("id"), of: server)
                guard [MigrationStatus.accepted.rawValue, MigrationStatus.running.rawValue].contains(migration.status),
                    try await store.cancel(migration.id)
                else { throw Self.invalidState(migration, server, "abort") }
                return .empty
            }
        }
        Actions(on: Self.serverKey) {
            Action("force_complete", versions: .from(22), policy: Rules.forceComplete) { server, request in
                let migration = try await liveMigration(request.parameter("id"), of: server)
                guard migration.status == MigrationStatus.running.rawValue else { throw Self.invalidState(migration, server, "force_complete") }
                return .empty
            }
        }
    }

    /// The server's live migrations, oldest first.
    func liveMigrations(of server: Server) async throws -> [MigrationRecord] {
        try await store.list(MigrationFilter(instance: server.id, type: "live-migration"))
    }

    /// The server's live migration `id` (an integer); 404 for anything else.
    func liveMigration(_ id: String, of server: Server) async throws -> MigrationRecord {
        guard let number = Int(id), let found = try await liveMigrations(of: server).first(where: { $0.id == number }) else {
            throw Fault.notFound("Migration \(id) could not be found.")
        }
        return found
    }

    static func invalidState(_ migration: MigrationRecord, _ server: Server, _ action: String) -> Fault {
        .badRequest(
            "Migration \(migration.id) state of instance \(server.id) is \(migration.status). Cannot \(action) while the migration is in this state.")
    }

    /// Nova reports flavors in migrations by their internal row id.
    func flavorRowIDs() async throws -> [String: Int] {
        try await database.read { sql in
            var ids: [String: Int] = [:]
            for row in try await sql.select().columns("id", "flavorid").from("flavors").orderBy("id").all() {
                ids[try row.decode(column: "flavorid", as: String.self)] = try row.decode(column: "id", as: Int.self)
            }
            return ids
        }
    }

    /// The fields both listings share, with 2.59's uuid and 2.80's owner.
    static func common(_ migration: MigrationRecord, _ request: APIRequest) -> JSON {
        var view: JSON = [
            "id": .int(migration.id), "status": .string(migration.status), "source_node": .string(migration.sourceCompute),
            "source_compute": .string(migration.sourceCompute), "dest_node": .string(migration.destCompute),
            "dest_compute": .string(migration.destCompute), "dest_host": "127.0.0.1", "created_at": .string(Timestamp.naive(migration.createdAt)),
        ]
        if request.version >= APIVersion(2, 59) { view["uuid"] = .string(migration.uuid) }
        if request.version >= APIVersion(2, 80) {
            view["user_id"] = .string(migration.userID ?? "")
            view["project_id"] = .string(migration.projectID ?? "")
        }
        return view
    }

    /// An `os-migrations` entry: flavors by row id, 2.23's migration type.
    static func view(_ migration: MigrationRecord, _ request: APIRequest, flavorIDs: [String: Int]) -> JSON {
        var view = common(migration, request)
        view["instance_uuid"] = .string(migration.instance)
        view["old_instance_type_id"] = .int(migration.oldFlavorID.flatMap { flavorIDs[$0] })
        view["new_instance_type_id"] = .int(migration.newFlavorID.flatMap { flavorIDs[$0] })
        view["updated_at"] = .string(migration.updatedAt.map(Timestamp.naive))
        if request.version >= APIVersion(2, 23) { view["migration_type"] = .string(migration.type) }
        return view
    }

    /// A `servers/{id}/migrations` entry: the server's uuid and (live-migration) progress fields, unknown here.
    static func serverView(_ migration: MigrationRecord, _ request: APIRequest) -> JSON {
        var view = common(migration, request)
        view["server_uuid"] = .string(migration.instance)
        view["updated_at"] = .string(Timestamp.naive(migration.updatedAt ?? migration.createdAt))
        for field in [
            "memory_total_bytes", "memory_processed_bytes", "memory_remaining_bytes", "disk_total_bytes", "disk_processed_bytes",
            "disk_remaining_bytes",
        ] {
            view[field] = .null
        }
        return view
    }
}
