import Foundation
import HTTPTypes
import NovaKitAPI
import NovaKitCore
import NovaKitPolicy
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Testing

@Suite("HTTP core: prefixes, microversions, faults")
struct CoreHTTPTests {
    static let p = TestCloud.project
    let max = ExtensionRegistry.coreCeiling.description

    @Test(
        "microversion negotiation",
        arguments: [
            ([:], 200, "2.1"),
            (["OpenStack-API-Version": "compute 2.18"], 200, "2.18"),
            (["OpenStack-API-Version": "volume 3.5, compute 2.27"], 200, "2.27"),
            (["X-OpenStack-Nova-API-Version": "2.10"], 200, "2.10"),
            (["OpenStack-API-Version": "compute latest"], 200, ExtensionRegistry.coreCeiling.description),
            (["OpenStack-API-Version": "compute 2.0"], 406, "2.1"),
            (["OpenStack-API-Version": "compute 2.999"], 406, "2.1"),
            (["OpenStack-API-Version": "compute 2.x"], 400, "2.1"),
            (["X-OpenStack-Nova-API-Version": "2"], 400, "2.1"),
        ] as [([String: String], Int, String)])
    func negotiation(headers: [String: String], status: Int, echoed: String) async throws {
        try await TestCloud().run { (client) async throws in
            let reply = try await client.call(.get, "/v2.1/\(Self.p)/os-documents", headers: headers)
            #expect(reply.status == status)
            #expect(reply.header("OpenStack-API-Version") == "compute \(echoed)")
            #expect(reply.header("X-OpenStack-Nova-API-Version") == echoed)
            #expect(reply.header("Vary") == "OpenStack-API-Version, X-OpenStack-Nova-API-Version")
            if status == 406 { #expect(reply.fault?.name == "computeFault") }
            if status == 400 { #expect(reply.fault?.message.contains("is of invalid format") == true) }
        }
    }

    @Test("/v2 ignores version headers and sends none")
    func legacy() async throws {
        try await TestCloud().run { (client) async throws in
            let reply = try await client.call(.get, "/v2/\(Self.p)/os-documents", headers: ["OpenStack-API-Version": "compute 2.999"])
            #expect(reply.status == 200)
            #expect(reply.header("OpenStack-API-Version") == nil)
            #expect(reply.header("Vary") == nil)
        }
    }

    @Test(
        "faults have Nova's shape",
        arguments: [
            ("GET", "/v2.1/\(p)/no-such-thing", nil, "itemNotFound", 404),
            ("PATCH", "/v2.1/\(p)/os-documents", "{}", "badMethod", 405),
            ("DELETE", "/v2.1/\(p)/os-documents", nil, "badMethod", 405),
            ("POST", "/v2.1/\(p)/os-documents", "{not json", "badRequest", 400),
            ("GET", "/nowhere", nil, "itemNotFound", 404),
            ("GET", "/v2.1/\(TestCloud.otherProject)/os-documents", nil, "badRequest", 400),
        ] as [(String, String, String?, String, Int)])
    func faults(method: String, path: String, body: String?, name: String, code: Int) async throws {
        try await TestCloud().run { (client) async throws in
            let reply = try await client.call(
                .init(method)!, path, headers: body == nil ? [:] : ["Content-Type": "application/json"], raw: body.map { Data($0.utf8) })
            #expect(reply.status == code)
            #expect(reply.fault?.name == name)
            #expect(reply.fault?.code == code)
        }
    }

    @Test("invalid UTF-8 is a 400; an unknown media type a 415; a large body a 413")
    func bodies() async throws {
        try await TestCloud(maxBodyBytes: 64).run { (client) async throws in
            let badUTF8 = Data([0x7B, 0x22, 0x6E, 0x61, 0x6D, 0x65, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D])
            let utf8 = try await client.call(.post, "/v2.1/os-documents", headers: ["Content-Type": "application/json"], raw: badUTF8)
            #expect(utf8.status == 400 && utf8.fault?.name == "badRequest")
            let xml = try await client.call(.post, "/v2.1/os-documents", headers: ["Content-Type": "application/xml"], raw: Data("<a/>".utf8))
            #expect(xml.status == 415 && xml.fault?.name == "badMediaType")
            let big = try await client.call(.post, "/v2.1/os-documents", json: ["name": .string(String(repeating: "x", count: 100))])
            #expect(big.status == 413 && big.fault?.name == "overLimit")
            let typeless = try await client.call(.post, "/v2.1/os-documents", raw: Data(#"{"name": "plain"}"#.utf8))
            #expect(typeless.status == 202)
        }
    }

    @Test("noauth2: no token is a 401 fault; the context's project must match the URL")
    func auth() async throws {
        try await TestCloud().run { (client) async throws in
            let anonymous = try await client.call(.get, "/v2.1/os-documents", token: nil)
            #expect(anonymous.status == 401 && anonymous.fault?.name == "unauthorized")
            let mismatch = try await client.call(.get, "/v2/\(TestCloud.otherProject)/os-documents")
            #expect(
                mismatch.fault?.message
                    == "Malformed request URL: URL's project_id '\(TestCloud.otherProject)' doesn't match Context's project_id '\(Self.p)'")
        }
    }

    @Test("every response carries a fresh req-<uuid> in both request-id headers")
    func requestIDs() async throws {
        try await TestCloud().run { (client) async throws in
            var seen = Set<String>()
            for path in ["/", "/v2.1/", "/v2.1/nothing", "/v2.1/os-documents"] {
                let reply = try await client.call(.get, path)
                let id = try #require(reply.header("x-openstack-request-id"))
                #expect(reply.header("x-compute-request-id") == id)
                #expect(id.range(of: "^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression) != nil)
                seen.insert(id)
            }
            #expect(seen.count == 4)
        }
    }

    @Test("version documents")
    func versions() async throws {
        try await TestCloud().run { (client) async throws in
            let root = try await client.call(.get, "/", token: nil)
            guard case .array(let versions) = root.body?["versions"] else { Issue.record("no versions"); return }
            #expect(versions.map { $0["id"] } == ["v2.0", "v2.1"])
            #expect(versions[1]["version"] == .string(max))
            let v21 = try await client.call(.get, "/v2.1/", token: nil)
            #expect(v21.body?["version"]?["min_version"] == "2.1")
            let redirect = try await client.call(.get, "/v2.1", token: nil)
            #expect(redirect.status == 302)
            let inProject = try await client.call(.get, "/v2.1/\(Self.p)/")
            #expect(inProject.body?["version"]?["id"] == "v2.1")
        }
    }
}
