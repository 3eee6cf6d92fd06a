import HTTPTypes
import NovaKitAPI
import NovaKitComputeAPI
import NovaKitCore
import NovaKitExtensions
import NovaKitPolicy
import NovaKitServer
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Testing

@Suite("Extension framework")
struct ExtensionFrameworkTests {
    static let withWidgets = TestCloud(extensions: { BuiltinExtensions.all($0) + [Widgets()] })

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

    @Test("a test-only extension's routes, bodies, actions and policies appear in the OpenAPI document with no extra code")
    func openAPI() async throws {
        try await Self.withWidgets.run { (client) async throws in
            let base = try await client.call(.get, "/openapi.json", token: nil)
            #expect(base.status == 200)
            let paths = base.body?["paths"]
            #expect(paths?["/os-widgets"]?["get"]?["x-novakit-extension"] == "os-widgets")
            #expect(paths?["/os-widgets/{id}"]?["get"]?["x-openstack-policy"] == "test:widgets")
            let action = paths?["/os-documents/{id}/action"]?["post"]
            #expect(action?["x-openstack-actions"]?["archive"]?["policy"] == "test:widgets:archive")
            // `touch` exists from 2.2 on: not in the 2.1 document, in the 2.2 one with its own status.
            #expect(action?["x-openstack-actions"]?["touch"] == nil)
            let body = action?["requestBody"]?["content"]?["application/json"]?["schema"]?["oneOf"]
            #expect(
                body?.arrayValue?.contains {
                    $0["properties"]?["archive"]?["properties"]?["reason"] == ["type": "string", "maxLength": 10]
                } == true)
            let later = try await client.call(.get, "/openapi.json?microversion=2.2", token: nil)
            let touch = later.body?["paths"]?["/os-documents/{id}/action"]?["post"]?["x-openstack-actions"]?["touch"]
            #expect(touch?["status"] == 204 && touch?["microversions"] == ["min": "2.2"])
            #expect(later.body?["paths"]?["/os-documents/{id}/action"]?["post"]?["responses"]?["204"] != nil)
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

        init(_ alias: String, policies: [PolicyDefault] = [], @APIBuilder _ declarations: @escaping @Sendable () -> [APIDeclaration]) {
            descriptor = ExtensionDescriptor(
                name: alias, alias: alias, namespace: "http://example.com/\(alias)", updated: "2026-01-01T00:00:00Z", description: "")
            extraPolicies = policies
            self.declarations = declarations
        }
    }

    @Test("the registry refuses duplicates at boot and names the extension at fault")
    func duplicates() async throws {
        try await TestEnvironment.with { (environment: APIEnvironment) async throws in
            let builtin = BuiltinExtensions.all(environment)
            let route = Clash("x-route") { Resource(ResourceKey<Never>("os-documents")) { Index(policy: nil) { _ in .empty } } }
            #expect(throws: RegistryError.self) { try ExtensionRegistry(builtin + [route]) }
            let action = Clash("x-action", policies: [Self.x]) {
                Actions(on: Documents.key) { Action("archive", policy: Self.x) { _ in .empty } }
            }
            do {
                _ = try ExtensionRegistry(builtin + [Widgets(), action])
                Issue.record("duplicate action accepted")
            } catch let error as RegistryError {
                #expect(error.description == "action archive on os-documents of x-action is already declared by os-widgets")
            }
            let policy = Clash("x-policy", policies: [PolicyDefault("compute_extension:documents", "@")]) { [] }
            #expect(throws: RegistryError.self) { try ExtensionRegistry(builtin + [policy]) }
            #expect(throws: RegistryError.self) {
                try ExtensionRegistry(builtin + [Documents(database: environment.database, clock: environment.clock)])
            }
            #expect(throws: RegistryError.self) { try ExtensionRegistry(builtin, disabled: ["os-nothing"]) }
            let orphan = Clash("x-orphan", policies: [Self.x]) {
                Actions(on: ResourceKey<Never>("os-cells")) { Action("boom", policy: Self.x) { _ in .empty } }
            }
            #expect(throws: RegistryError.self) { try ExtensionRegistry(builtin + [orphan]) }
        }
    }

    static let x = PolicyDefault("x", "@")

    @Test(
        "a declaration naming an unregistered policy rule, an unknown resource or an unknown operation is refused at start-up, naming the extension",
        arguments: [
            (
                Clash("x-rule") { Resource(ResourceKey<Never>("os-x")) { Index(policy: PolicyDefault("x:unregistered", "@")) { _ in .empty } } },
                "index on os-x of x-rule names policy rule x:unregistered, which no extension registers"
            ),
            (
                Clash("x-action-rule") { Actions(on: Documents.key) { Action("poke", policy: PolicyDefault("x:poke", "@")) { _ in .empty } } },
                "action poke on os-documents of x-action-rule names policy rule x:poke, which no extension registers"
            ),
            (
                Clash("x-orphan", policies: [x]) { Actions(on: ResourceKey<Never>("os-cells")) { Action("boom", policy: x) { _ in .empty } } },
                "x-orphan adds actions to unknown or disabled resource os-cells"
            ),
            (
                Clash("x-nested", policies: [x]) {
                    Resource(ResourceKey<String>("leaves", under: ResourceKey<String>("trees"), parameter: "tree_id")) {
                        Index(policy: x) { (tree: String, _: APIRequest) in .empty }
                    }
                },
                "x-nested nests trees/{tree_id}/leaves under unknown or disabled resource trees"
            ),
            (
                Clash("x-extend") { Extend(ResourceKey<Never>("os-nowhere"), [.show]) { _, _ in } },
                "x-extend extends unknown or disabled resource os-nowhere"
            ),
            (
                Clash("x-operation") { Extend(Documents.key, [.named("detail")]) { _, _ in } },
                "x-operation extends detail of os-documents, which declares no such operation"
            ),
            (
                Clash("x-extend-action") { Extend(Documents.key, [.action("explode")]) { _, _ in } },
                "x-extend-action extends action:explode of os-documents, which no extension declares"
            ),
            (
                Clash("x-member", policies: [x]) {
                    Resource(ResourceKey<String>("os-x")) { Show(policy: x) { (id: String, _: APIRequest) in .empty } }
                },
                "show on os-x of x-member takes a member, but the resource declares no lookup"
            ),
        ] as [(Clash, String)])
    func unknownReferences(clash: Clash, message: String) async throws {
        try await TestEnvironment.with { (environment: APIEnvironment) async throws in
            do {
                _ = try ExtensionRegistry(BuiltinExtensions.all(environment) + [clash])
                Issue.record("\(clash.descriptor.alias) accepted")
            } catch let error as RegistryError {
                #expect(error.description == message)
            }
        }
    }

    @Test("the advertised maximum is the lowest ceiling of the core and the enabled extensions")
    func ceiling() async throws {
        struct Old: APIExtension {
            let descriptor = ExtensionDescriptor(
                name: "Old", alias: "os-old", namespace: "http://example.com/old", updated: "2026-01-01T00:00:00Z", description: "")
            var microversionCeiling: APIVersion? { APIVersion(2, 5) }
            var api: [APIDeclaration] { [] }
        }
        try await TestEnvironment.with { (environment: APIEnvironment) async throws in
            let builtin = BuiltinExtensions.all(environment)
            #expect(try ExtensionRegistry(builtin).maxVersion == ExtensionRegistry.coreCeiling)
            #expect(try ExtensionRegistry(builtin + [Old()]).maxVersion == APIVersion(2, 5))
            #expect(try ExtensionRegistry(builtin + [Old()], disabled: ["os-old"]).maxVersion == ExtensionRegistry.coreCeiling)
        }
    }
}
