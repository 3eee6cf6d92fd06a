import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NovaKitCore
import NovaKitHTTP
import NovaKitImage
import NovaKitStorage
import Testing

/// The image listener behind the shared pipeline: Glance's error body, the seeded `cirros` image,
/// visibility by project.
@Suite("Image listener")
struct ImageListenerTests {
    @Test("lists the seeded image, answers unknown ids and paths with Glance's error body, needs a token")
    func listener() async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let database = try await Database.open(.sqliteMemory, logger: logger)
        do {
            try await SchemaMigrator(database: database, migrations: ImageStore.migrations).sync()
            let store = ImageStore(database: database, clock: SystemClock())
            try await store.seedCirros(id: "11111111-2222-4333-8444-555555555555")
            let data = ImageDataStore(directory: FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path)
            let listener = ImageListener(store: store, data: data, authenticator: NoAuth2Authenticator(), ids: RandomIDGenerator())
            let app = Application(responder: RequestPipeline(listener, ids: RandomIDGenerator(), logger: logger), logger: logger)
            try await app.test(.router) { client in
                let token: HTTPFields = [.authToken: "alice:project"]
                try await client.execute(uri: "/v2/images", method: .get, headers: token) { (response: TestResponse) async throws in
                    #expect(response.status == .ok)
                    let images = try JSON.parse(Data(response.body.readableBytesView))["images"]?.arrayValue ?? []
                    #expect(images.map { $0["name"] } == ["cirros"])
                }
                try await client.execute(uri: "/v2/images/nope", method: .get, headers: token) { (response: TestResponse) async throws in
                    #expect(response.status == .notFound)
                    let body = try JSON.parse(Data(response.body.readableBytesView))
                    #expect(body["code"] == 404 && body["title"] == "Not Found", "\(body)")
                    #expect(response.headers[.openStackRequestID]?.hasPrefix("req-") == true)
                }
                try await client.execute(uri: "/v2/images", method: .get) { (response: TestResponse) async throws in
                    #expect(response.status == .unauthorized)
                }
            }
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}
