import NovaKitAPI
import NovaKitCore
import NovaKitExtensions
import NovaKitPolicy
import NovaKitStorage
import Testing

@Suite("Extension framework")
struct ExtensionFrameworkTests {
    static let withWidgets = TestCloud(extensions: BuiltinExtensions.all + [Widgets()])

    @Test("a test-only extension adds a collection, an action on another resource and a response field")
    func extends() async throws {
        try await Self.withWidgets.run { (client) async throws in
            #expect(try await client.call(.get, "/v2.1/os-widgets").body == ["widgets": []])
            #expect(try await client.call(.get, "/v2.1/os-widgets/7").body == ["widget": ["id": "7"]])
            #expect(try await client.call(.post, "/v2.1/os-documents", json: ["id": 1, "name": "d1"]).status == 202)
            let show = try await client.call(.get, "/v2.1/os-documents/1")
            #expect(show.body?["document"]?["os-widgets:widgetized"] == true)
            let archived = try await client.call(
                .post, "/v2.1/os-documents/1/action", token: TestCloud.adminToken, json: ["archive": ["reason": "old"]])
            #expect(archived.status == 202)
            #expect(archived.body == ["archived": "1", "reason": "old"])
            let extensions = try await client.call(.get, "/v2.1/extensions")
            guard case .array(let entries) = extensions.body?["extensions"] else { Issue.record("no list"); return }
            #expect(entries.contains { $0["alias"] == "os-widgets" })
        }
    }

    @Test(
        "action dispatch refuses zero, two or unknown keys, bad arguments and denied callers",
        arguments: [
            (JSON.object([:]), TestCloud.adminToken, 400, "Malformed request body"),
            (["archive": ["reason": "a"], "touch": nil], TestCloud.adminToken, 400, "Malformed request body"),
            (["explode": nil], TestCloud.adminToken, 400, "There is no such action: explode"),
            (JSON.null, TestCloud.adminToken, 400, "Malformed request body"),
            (
                ["archive": ["reason": "far too long"]], TestCloud.adminToken, 400,
                "Invalid input for field/attribute reason. Value: far too long. 'far too long' is too long"
            ),
            (["archive": ["reason": "x"]], TestCloud.userToken, 403, "Policy doesn't allow test:widgets:archive to be performed."),
        ] as [(JSON, String, Int, String)])
    func actionRefusals(body: JSON, token: String, status: Int, message: String) async throws {
        try await Self.withWidgets.run { (client) async throws in
            let reply = try await client.call(.post, "/v2.1/os-documents/1/action", token: token, json: body)
            #expect(reply.status == status)
            #expect(reply.fault?.message == message)
        }
    }

    @Test("actions are gated by their microversion range")
    func actionVersions() async throws {
        try await Self.withWidgets.run { (client) async throws in
            let old = try await client.call(.post, "/v2.1/os-documents/1/action", json: ["touch": nil])
            #expect(old.fault?.message == "There is no such action: touch")
            let new = try await client.call(
                .post, "/v2.1/os-documents/1/action", headers: ["OpenStack-API-Version": "compute 2.2"], json: ["touch": nil])
            #expect(new.status == 204)
        }
    }

    @Test("switched off, the extension's routes are 404 and it leaves /extensions")
    func disabled() async throws {
        var cloud = Self.withWidgets
        cloud.disabled = ["os-widgets"]
        try await cloud.run { (client) async throws in
            #expect(try await client.call(.get, "/v2.1/os-widgets").status == 404)
            #expect(try await client.call(.post, "/v2.1/os-documents/1/action", json: ["archive": ["reason": "x"]]).status == 404)
            #expect(try await client.call(.get, "/v2.1/extensions/os-widgets").status == 404)
            #expect(try await client.call(.post, "/v2.1/os-documents", json: ["id": 1, "name": "d1"]).status == 202)
            #expect(try await client.call(.get, "/v2.1/os-documents/1").body?["document"]?["os-widgets:widgetized"] == nil)
        }
    }

    struct Clash: APIExtension {
        let descriptor: ExtensionDescriptor
        let declarations: @Sendable () -> [APIDeclaration]
        var extraPolicies: [PolicyDefault] = []
        var policies: [PolicyDefault] { extraPolicies }
        var api: [APIDeclaration] { declarations() }

        init(_ alias: String, policies: [PolicyDefault] = [], _ declarations: @escaping @Sendable () -> [APIDeclaration]) {
            descriptor = ExtensionDescriptor(
                name: alias, alias: alias, namespace: "http://example.com/\(alias)", updated: "2026-01-01T00:00:00Z", description: "")
            extraPolicies = policies
            self.declarations = declarations
        }
    }

    @Test("the registry refuses duplicates at boot and names the extension at fault")
    func duplicates() throws {
        let route = Clash("x-route") { [.resource(Resource("os-documents") { Index(policy: nil) { _ in .empty } })] }
        #expect(throws: RegistryError.self) { try ExtensionRegistry(BuiltinExtensions.all + [route]) }
        let action = Clash("x-action") {
            [.actions(Actions(on: "os-documents") { Action("archive", policy: "x") { _ in .empty } })]
        }
        do {
            _ = try ExtensionRegistry(BuiltinExtensions.all + [Widgets(), action])
            Issue.record("duplicate action accepted")
        } catch {
            #expect(error.description == "action archive on os-documents of x-action is already declared by os-widgets")
        }
        let policy = Clash("x-policy", policies: [PolicyDefault("compute_extension:documents", "@")]) { [] }
        #expect(throws: RegistryError.self) { try ExtensionRegistry(BuiltinExtensions.all + [policy]) }
        #expect(throws: RegistryError.self) { try ExtensionRegistry(BuiltinExtensions.all + [Documents()]) }
        #expect(throws: RegistryError.self) { try ExtensionRegistry(BuiltinExtensions.all, disabled: ["os-nothing"]) }
        let orphan = Clash("x-orphan") { [.actions(Actions(on: "os-hypervisors") { Action("boom", policy: "x") { _ in .empty } })] }
        #expect(throws: RegistryError.self) { try ExtensionRegistry(BuiltinExtensions.all + [orphan]) }
    }

    @Test("the advertised maximum is the lowest ceiling of the core and the enabled extensions")
    func ceiling() throws {
        struct Old: APIExtension {
            let descriptor = ExtensionDescriptor(
                name: "Old", alias: "os-old", namespace: "http://example.com/old", updated: "2026-01-01T00:00:00Z", description: "")
            var microversionCeiling: APIVersion? { APIVersion(2, 5) }
            var api: [APIDeclaration] { [] }
        }
        #expect(try ExtensionRegistry(BuiltinExtensions.all).maxVersion == ExtensionRegistry.coreCeiling)
        #expect(try ExtensionRegistry(BuiltinExtensions.all + [Old()]).maxVersion == APIVersion(2, 5))
        #expect(try ExtensionRegistry(BuiltinExtensions.all + [Old()], disabled: ["os-old"]).maxVersion == ExtensionRegistry.coreCeiling)
    }
}
