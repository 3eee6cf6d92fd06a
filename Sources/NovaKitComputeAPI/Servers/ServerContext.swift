import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitHTTP
import NovaKitImage
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// What the servers API and the APIs nested under it are built from: the compute runtime and the stores
/// they read and write, all over one database.
struct ServerContext: Sendable {
    let compute: ComputeRuntime
    let clock: any NovaClock
    let ids: any IDGenerator
    let database: Database
    let servers: ServerStore
    let flavors: FlavorStore
    let images: ImageStore
    let keypairs: KeypairStore
    let quotas: QuotaStore
    let migrations: MigrationStore
    let actions: InstanceActionStore
    let metadata: ServerMetadataStore
    let tags: ServerTagStore

    init(database: Database, clock: any NovaClock, ids: any IDGenerator, compute: ComputeRuntime) {
        self.compute = compute
        self.clock = clock
        self.ids = ids
        self.database = database
        servers = ServerStore(database: database, clock: clock)
        flavors = FlavorStore(database: database, clock: clock)
        images = ImageStore(database: database, clock: clock)
        keypairs = KeypairStore(database: database, clock: clock)
        quotas = QuotaStore(database: database, clock: clock)
        migrations = MigrationStore(database: database, clock: clock)
        actions = InstanceActionStore(database: database, clock: clock)
        metadata = ServerMetadataStore(database: database, clock: clock)
        tags = ServerTagStore(database: database, clock: clock)
    }

    /// The images the servers were built from, for 2.98's embedded image properties.
    func images(of servers: [Server], _ request: APIRequest) async throws -> [String: Image] {
        guard request.version >= APIVersion(2, 98) else { return [:] }
        var found: [String: Image] = [:]
        for ref in Set(servers.compactMap(\.imageRef)) where !ref.isEmpty {
            found[ref] = try? await images.get(ref, project: request.auth.projectID, isAdmin: true)
        }
        return found
    }
}
