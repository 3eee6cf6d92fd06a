import Foundation
import HTTPTypes
import NovaKitComputeAPI
import NovaKitCore
import NovaKitServer
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Testing

/// `docs/extending.md`'s two examples — a new resource with a typed body, a new server action — built and run
/// exactly as the guide prints them, each one file plus one registration line.
@Suite("The extending guide's examples")
struct ExtendingGuideTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    /// The registration lines, as the guide shows them.
    static let cloud = TestCloud(
        extensions: { environment in
            BuiltinExtensions.all(environment) + [
                Gadgets(database: environment.database, clock: environment.clock),
                ServerNotes(database: environment.database, clock: environment.clock),
            ]
        }, bootstrapped: true)

    @Test("the guide prints each example file whole", arguments: ["Gadgets.swift", "ServerNotes.swift"])
    func printed(file: String) throws {
        let guide = try String(contentsOf: Self.folder.appendingPathComponent("../../docs/extending.md"), encoding: .utf8)
        let source = try String(contentsOf: Self.folder.appendingPathComponent(file), encoding: .utf8)
        #expect(guide.contains("```swift\n" + source + "```"), "docs/extending.md does not print \(file) as it is")
    }

    @Test("os-gadgets: create, list, show, delete; its body is validated and decoded; members are looked up once")
    func gadgets() async throws {
        try await Self.cloud.run { client in
            let created = try await client.call(.post, "/v2.1/os-gadgets", json: ["gadget": ["name": "g1", "size": 3]])
            #expect(created.status == 201)
            #expect(created.body?["gadget"]?["name"] == "g1" && created.body?["gadget"]?["size"] == 3)
            let id = try #require(created.body?["gadget"]?["id"]?.intValue)
            #expect(try await client.call(.get, "/v2.1/os-gadgets").body == ["gadgets": [["id": .int(id), "name": "g1", "size": 3]]])
            #expect(try await client.call(.get, "/v2.1/os-gadgets/\(id)").body?["gadget"]?["size"] == 3)

            let tooBig = try await client.call(.post, "/v2.1/os-gadgets", json: ["gadget": ["name": "g2", "size": 101]])
            #expect(tooBig.status == 400 && tooBig.fault?.message.contains("size") == true)
            let other = try await client.call(.get, "/v2.1/os-gadgets/\(id)", token: "bob:\(TestCloud.otherProject)")
            #expect(other.status == 403)

            #expect(try await client.call(.delete, "/v2.1/os-gadgets/\(id)").status == 204)
            let gone = try await client.call(.get, "/v2.1/os-gadgets/\(id)")
            #expect(gone.status == 404 && gone.fault?.message == "Gadget \(id) could not be found.")
            #expect(try await client.call(.get, "/v2.1/os-gadgets/nope").status == 404)
        }
    }

    @Test("os-setNote: a new action on servers, with the server the framework loaded, shown on the server")
    func serverNote() async throws {
        try await Self.cloud.run { client in
            let image = try #require(try await client.call(.get, "/v2.1/images").body?["images"]?.arrayValue?.first?["id"])
            let created = try await client.call(
                .post, "/v2.1/servers", json: ["server": ["name": "noted", "imageRef": image, "flavorRef": "1"]])
            #expect(created.status == 202, "\(String(describing: created.body))")
            let id = try #require(created.body?["server"]?["id"]?.stringValue)

            let set = try await client.call(.post, "/v2.1/servers/\(id)/action", json: ["os-setNote": ["note": "hello"]])
            #expect(set.status == 200 && set.body == ["note": "hello"])
            #expect(try await client.call(.get, "/v2.1/servers/\(id)").body?["server"]?["os-server-notes:note"] == "hello")

            let bad = try await client.call(.post, "/v2.1/servers/\(id)/action", json: ["os-setNote": ["note": 7]])
            #expect(bad.status == 400)
            let unknown = try await client.call(.post, "/v2.1/servers/\(UUID().uuidString.lowercased())/action", json: ["os-setNote": ["note": "x"]])
            #expect(unknown.status == 404)
        }
    }
}
