import Foundation
import HTTPTypes
public import NovaKitAPI
public import NovaKitCore
import NovaKitHTTP
public import NovaKitPolicy
public import NovaKitStorage
import SQLKit

/// `os-keypairs`: per-user SSH (and x509) keys; generated or imported, with Nova's microversion changes
/// (2.2 type and 201/204, 2.10 admin `user_id`, 2.35 paging, 2.92 import only).
public struct Keypairs: APIExtension {
    public static let key = ResourceKey<Keypair>("os-keypairs")

    let store: KeypairStore

    public init(database: Database, clock: any NovaClock) {
        store = KeypairStore(database: database, clock: clock)
    }

    public let descriptor = ExtensionDescriptor(
        name: "Keypairs", alias: "os-keypairs", namespace: "http://docs.openstack.org/compute/ext/keypairs/api/v1.1",
        updated: "2011-08-08T00:00:00Z", description: "Keypair Support.")

    enum Rules {
        static let index = rule("index")
        static let create = rule("create")
        static let show = rule("show")
        static let delete = rule("delete")

        static func rule(_ action: String) -> PolicyDefault {
            PolicyDefault("os_compute_api:os-keypairs:\(action)", "(rule:context_is_admin) or user_id:%(user_id)s")
        }
    }

    public var policies: [PolicyDefault] { [Rules.index, Rules.create, Rules.show, Rules.delete] }

    public var migrations: [SchemaMigration] { [KeypairStore.migration] }

    /// The user whose keys are addressed: `user_id` (2.10+, from the query, else `bodyUser` from a create's
    /// body) or the caller.
    static func owner(_ request: APIRequest, bodyUser: String? = nil) -> String {
        guard request.version >= APIVersion(2, 10) else { return request.auth.userID }
        return request.queryValue("user_id") ?? bodyUser ?? request.auth.userID
    }

    /// The owner is the policy target of every call, checked before the key pair is looked up (a create names
    /// it in its body, read here for the check; the handler gets the decoded body).
    static let target: @Sendable (APIRequest) async throws -> PolicyTarget = { request in
        let bodyUser = request.body.isNull ? nil : (try? request.decodeBody(CreateBody.self))?.keypair.userID
        return ["user_id": owner(request, bodyUser: bodyUser), "project_id": request.auth.projectID]
    }

    /// `{"keypair": {"name", "public_key", "type" (2.2), "user_id" (2.10)}}`; from 2.92 keys are imported only.
    struct CreateBody: RequestBody {
        struct Fields: Decodable, Sendable {
            let name: String
            let publicKey: String?
            let type: String?
            let userID: String?

            enum CodingKeys: String, CodingKey {
                case name, type
                case publicKey = "public_key"
                case userID = "user_id"
            }
        }

        let keypair: Fields

        static func schema(at version: APIVersion) -> Schema {
            let name = version >= APIVersion(2, 92) ? "^(?! )[a-zA-Z0-9 _@.-]+(?<! )$" : "^(?! )[a-zA-Z0-9 _-]+(?<! )$"
            var fields: [String: Schema] = ["name": .string(minLength: 1, maxLength: 255, pattern: name), "public_key": .string(maxLength: 65535)]
            if version >= APIVersion(2, 2) { fields["type"] = .oneOf(["ssh", "x509"]) }
            if version >= APIVersion(2, 10) { fields["user_id"] = .string(minLength: 1, maxLength: 255) }
            let required = version >= APIVersion(2, 92) ? ["name", "public_key"] : ["name"]
            return .object(["keypair": .object(fields, required: required)], required: ["keypair"])
        }
    }

    public var api: [APIDeclaration] {
        Resource(
            Self.key, lookup: .afterPolicy { [store] name, request in try await store.get(name, user: Self.owner(request)) },
            collectionTarget: Self.target
        ) {
            Index(policy: Rules.index) { request in try await index(request) }
            Create(body: CreateBody.self, versions: .through(1), policy: Rules.create) { body, request in try await create(body, request) }
            Create(body: CreateBody.self, versions: .from(2), policy: Rules.create, status: .created) { body, request in
                try await create(body, request)
            }
            Show(policy: Rules.show) { pair, request in Reply(["keypair": KeypairViews.show(pair, request)]) }
            Delete(versions: .through(1), policy: Rules.delete, status: .accepted) { pair, _ in try await delete(pair) }
            Delete(versions: .from(2), policy: Rules.delete, status: .noContent) { pair, _ in try await delete(pair) }
        }
    }

    func delete(_ pair: Keypair) async throws -> Reply {
        try await store.delete(pair.name, user: pair.userID)
        return .empty
    }

    func create(_ body: CreateBody, _ request: APIRequest) async throws -> Reply {
        let type = body.keypair.type ?? "ssh"
        var pair = Keypair(
            name: body.keypair.name, userID: Self.owner(request, bodyUser: body.keypair.userID), fingerprint: "", publicKey: "", type: type)
        var privateKey: String?
        if let publicKey = body.keypair.publicKey {
            pair.publicKey = publicKey
            pair.fingerprint = try Self.fingerprint(publicKey, type: type)
        } else if type == "x509" {
            let generated = try X509Keypair.generate(commonName: pair.userID)
            pair.publicKey = generated.certificate
            pair.fingerprint = try Self.fingerprint(generated.certificate, type: "x509")
            privateKey = generated.privateKey
        } else {
            let generated = SSHKey.generate(comment: "Generated-by-Nova")
            pair.publicKey = generated.publicKey
            pair.fingerprint = try Self.fingerprint(generated.publicKey, type: "ssh")
            privateKey = generated.privateKey
        }
        let stored = try await store.create(pair, project: request.auth.projectID)
        var view = KeypairViews.summary(stored, request)
        view["user_id"] = .string(stored.userID)
        if let privateKey { view["private_key"] = .string(privateKey) }
        return Reply(["keypair": view])
    }

    static func fingerprint(_ key: String, type: String) throws -> String {
        if type == "x509" {
            guard let der = SSHKey.certificate(key) else { throw Fault.badRequest("Keypair data is invalid: failed to generate fingerprint") }
            return SSHKey.certificateFingerprint(der)
        }
        guard let blob = SSHKey.blob(of: key) else { throw Fault.badRequest("Keypair data is invalid: failed to generate fingerprint") }
        return SSHKey.fingerprint(blob)
    }

    func index(_ request: APIRequest) async throws -> Reply {
        var pairs = try await store.all(user: Self.owner(request))
        var limit = pairs.count
        if request.version >= APIVersion(2, 35) {
            let (pageLimit, marker) = try request.pagination()
            pairs = try request.page(pairs, limit: pageLimit, marker: marker, key: \.name)
            limit = pageLimit
        }
        var body: JSON = ["keypairs": .array(pairs.map { ["keypair": KeypairViews.summary($0, request)] })]
        if request.version >= APIVersion(2, 35) {
            body["keypairs_links"] = request.nextLinks("os-keypairs", page: pairs.count, limit: limit, lastMarker: pairs.last?.name)
        }
        return Reply(body)
    }
}

/// Nova's keypair views for the request's microversion.
enum KeypairViews {
    static func summary(_ pair: Keypair, _ request: APIRequest) -> JSON {
        var view: JSON = ["name": .string(pair.name), "public_key": .string(pair.publicKey), "fingerprint": .string(pair.fingerprint)]
        if request.version >= APIVersion(2, 2) { view["type"] = .string(pair.type) }
        return view
    }

    static func show(_ pair: Keypair, _ request: APIRequest) -> JSON {
        var view = summary(pair, request)
        view["user_id"] = .string(pair.userID)
        view["id"] = .int(pair.id)
        view["created_at"] = .string(pair.createdAt.map(Timestamp.naive))
        view["updated_at"] = .null
        view["deleted_at"] = .null
        view["deleted"] = false
        return view
    }
}
