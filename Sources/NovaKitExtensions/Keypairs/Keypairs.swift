import Foundation
import NovaKitAPI

/// `os-keypairs`: per-user SSH (and x509) keys; generated or imported, with Nova's microversion changes
/// (2.2 type and 201/204, 2.10 admin `user_id`, 2.35 paging, 2.92 import only).
public struct Keypairs: APIExtension {
    public init() {}

    public let descriptor = ExtensionDescriptor(
        name: "Keypairs", alias: "os-keypairs", namespace: "http://docs.openstack.org/compute/ext/keypairs/api/v1.1",
        updated: "2011-08-08T00:00:00Z", description: "Keypair Support.")

    static func rule(_ action: String) -> String { "os_compute_api:os-keypairs:\(action)" }

    public var policies: [PolicyDefault] {
        ["index", "create", "show", "delete"].map { PolicyDefault(Self.rule($0), "(rule:context_is_admin) or user_id:%(user_id)s") }
    }

    public var migrations: [Migration] { [KeypairStore.migration] }

    /// The user whose keys are addressed: `user_id` (2.10+, from the query or body) or the caller.
    static let owner: Resource.TargetLookup = { request in
        let user = request.version >= APIVersion(2, 10) ? (request.queryValue("user_id") ?? request.body["keypair"]?["user_id"]?.stringValue) : nil
        return ["user_id": user ?? request.auth.userID, "project_id": request.auth.projectID]
    }

    static func createSchema(_ version: APIVersion) -> Schema {
        let name = version >= APIVersion(2, 92) ? "^(?! )[a-zA-Z0-9 _@.-]+(?<! )$" : "^(?! )[a-zA-Z0-9 _-]+(?<! )$"
        var fields: [String: Schema] = ["name": .string(minLength: 1, maxLength: 255, pattern: name), "public_key": .string(maxLength: 65535)]
        if version >= APIVersion(2, 2) { fields["type"] = .oneOf(["ssh", "x509"]) }
        if version >= APIVersion(2, 10) { fields["user_id"] = .string(minLength: 1, maxLength: 255) }
        return .object(
            ["keypair": .object(fields, required: version >= APIVersion(2, 92) ? ["name", "public_key"] : ["name"])], required: ["keypair"])
    }

    static let ranges: [(VersionRange, APIVersion)] = [
        (.through(1), .minimum), (VersionRange(APIVersion(2, 2), APIVersion(2, 9)), APIVersion(2, 2)),
        (VersionRange(APIVersion(2, 10), APIVersion(2, 91)), APIVersion(2, 10)), (.from(92), APIVersion(2, 92)),
    ]

    public var api: [APIDeclaration] {
        Resource("os-keypairs", memberTarget: Self.owner, collectionTarget: Self.owner) {
            Index(policy: Self.rule("index")) { request in try await Self.index(request) }
            for (range, version) in Self.ranges {
                Create(
                    Self.createSchema(version), versions: range, policy: Self.rule("create"), status: version >= APIVersion(2, 2) ? .created : .ok,
                    Self.create)
            }
            Show(policy: Self.rule("show")) { request in
                let pair = try await KeypairStore(request).get(request.parameter("id"), user: try await Self.owner(request)["user_id"] ?? "")
                return Reply(["keypair": KeypairViews.show(pair, request)])
            }
            Delete(versions: .through(1), policy: Self.rule("delete"), status: .accepted, Self.delete)
            Delete(versions: .from(2), policy: Self.rule("delete"), status: .noContent, Self.delete)
        }
    }

    static let delete: Handler = { request in
        try await KeypairStore(request).delete(request.parameter("id"), user: try await Self.owner(request)["user_id"] ?? "")
        return .empty
    }

    static let create: Handler = { request in
        let body = request.body["keypair"] ?? [:]
        let user = try await Self.owner(request)["user_id"] ?? request.auth.userID
        let name = body["name"]?.stringValue ?? ""
        let type = body["type"]?.stringValue ?? "ssh"
        var pair = Keypair(name: name, userID: user, fingerprint: "", publicKey: "", type: type)
        var privateKey: String?
        if let publicKey = body["public_key"]?.stringValue {
            pair.publicKey = publicKey
            pair.fingerprint = try Self.fingerprint(publicKey, type: type)
        } else {
            guard type == "ssh" else { throw Fault.badRequest("Keypair data is invalid: x509 keypairs must be imported") }
            let generated = SSHKey.generate(comment: "Generated-by-Nova")
            pair.publicKey = generated.publicKey
            pair.fingerprint = try Self.fingerprint(generated.publicKey, type: "ssh")
            privateKey = generated.privateKey
        }
        let stored = try await KeypairStore(request).create(pair, project: request.auth.projectID)
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

    static func index(_ request: APIRequest) async throws -> Reply {
        let user = try await Self.owner(request)["user_id"] ?? request.auth.userID
        var pairs = try await KeypairStore(request).all(user: user)
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

    /// Live keypairs of `user`, for quota usage.
    static func count(user: String, _ sql: any SQLDatabase) async throws -> Int {
        try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("key_pairs")
            .where("user_id", .equal, SQLBind(user)).readDeleted(.no).first()?.decode(column: "n", as: Int.self) ?? 0
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
