import Foundation
import NovaKitAPI
import NovaKitCompute
import NovaKitImage

/// `servers`: the core compute resource. Create, list, show, update and delete here; actions, metadata,
/// tags, migrations and instance actions in their own files, all declared through the same framework.
public struct Servers: APIExtension {
    public init() {}

    public let descriptor = ExtensionDescriptor(
        name: "Servers", alias: "servers", namespace: "http://docs.openstack.org/compute/core/servers/v1.1",
        updated: "2011-01-01T00:00:00Z", description: "Servers: instances on the fake compute driver, with Nova's lifecycle.")

    static func rule(_ action: String) -> String { "os_compute_api:servers:\(action)" }

    public var policies: [PolicyDefault] {
        ["index", "detail", "show", "create", "update", "delete"].map { PolicyDefault(Self.rule($0), "rule:admin_or_owner") }
            + [
                PolicyDefault(Self.rule("index:get_all_tenants"), "rule:admin_api", description: "List servers of all projects."),
                PolicyDefault(Self.rule("detail:get_all_tenants"), "rule:admin_api", description: "List servers of all projects."),
                PolicyDefault(Self.rule("allow_all_filters"), "rule:admin_api", description: "Use admin-only list filters (host, …)."),
                PolicyDefault(Self.rule("show:extended_attributes"), "rule:admin_api", description: "See OS-EXT-SRV-ATTR:* fields."),
                PolicyDefault(Self.rule("show:host_status"), "rule:admin_api", description: "See host_status (2.16+)."),
            ] + ServerActions.policies + ServerMetadata.policies + ServerTags.policies
    }

    public var migrations: [Migration] { ComputeSchema.migrations }

    /// Loads the server `{parameter}` the caller may see (admins see every project's; others get a 404).
    static func target(_ parameter: String) -> Resource.TargetLookup {
        { request in
            let id = request.parameter(parameter)
            guard let owner = try await ServerStore(request).owner(id), isVisible(owner.project, to: request) else { throw InstanceNotFound(id: id) }
            return ["project_id": owner.project, "user_id": owner.user]
        }
    }

    static func visibleServer(_ request: APIRequest, _ id: String, readDeleted: ReadDeleted = .no) async throws -> Server {
        let server = try await ServerStore(request).get(id, readDeleted: readDeleted)
        guard isVisible(server.projectID, to: request) else { throw InstanceNotFound(id: id) }
        return server
    }

    /// Admins see every project's servers; others only their own project's (the rest are 404s, never 403s).
    static func isVisible(_ project: String, to request: APIRequest) -> Bool {
        request.auth.isAdmin || project == request.auth.projectID
    }

    static let updateSchemas: [(VersionRange, Schema)] = [
        (.through(18), updateSchema(APIVersion(2, 1))), (VersionRange(APIVersion(2, 19), APIVersion(2, 89)), updateSchema(APIVersion(2, 19))),
        (.from(90), updateSchema(APIVersion(2, 90))),
    ]

    static func updateSchema(_ version: APIVersion) -> Schema {
        var fields: [String: Schema] = [
            "name": .string(minLength: 1, maxLength: 255), "accessIPv4": .string(), "accessIPv6": .string(),
            "OS-DCF:diskConfig": .oneOf(["AUTO", "MANUAL"]),
        ]
        if version >= APIVersion(2, 19) { fields["description"] = Schema.string(maxLength: 255).nullable }
        if version >= APIVersion(2, 90) { fields["hostname"] = .string(minLength: 1, maxLength: 63, pattern: "^[a-zA-Z0-9][a-zA-Z0-9.-]*$") }
        return .object(["server": .object(fields)], required: ["server"])
    }

    public var api: [APIDeclaration] {
        Resource("servers", memberTarget: Self.target("id")) {
            Index(policy: Self.rule("index")) { request in try await ServerListing.reply(request, detail: false) }
            CollectionRoute("detail", policy: Self.rule("detail")) { request in try await ServerListing.reply(request, detail: true) }
            for (range, version) in ServerCreate.ranges {
                Create(ServerCreate.schema(version), versions: range, policy: Self.rule("create"), status: .accepted, ServerCreate.create)
            }
            Show(policy: Self.rule("show")) { request in
                let server = try await Self.visibleServer(request, request.parameter("id"))
                return Reply(["server": ServerViews.detail(server, request, images: try await Self.images(of: [server], request))])
            }
            for (range, schema) in Self.updateSchemas {
                Update(schema, versions: range, policy: Self.rule("update"), Self.update)
            }
            Delete(policy: Self.rule("delete"), status: .noContent) { request in
                let server = try await Self.visibleServer(request, request.parameter("id"))
                let runtime = try request.services.components.require(ComputeRuntime.self)
                // With a reclaim interval a server that ever ran is kept, restorable; others go at once.
                let action: InstanceAction = runtime.configuration.reclaimInterval > 0 && server.launchedAt != nil ? .softDelete : .delete
                try await ServerActions.run(action, on: server, request, record: "delete")
                return .empty
            }
        }
        ServerActions.declarations
        ServerMetadata.declarations
        ServerTags.declarations
    }

    static let update: Handler = { request in
        let id = request.parameter("id")
        let fields = request.body["server"] ?? [:]
        let columns = [
            ("name", "display_name"), ("description", "display_description"), ("hostname", "hostname"), ("accessIPv4", "access_ip_v4"),
            ("accessIPv6", "access_ip_v6"),
        ]
        // Only the given fields change; a null description clears it.
        try await ServerStore(request).set(
            id, columns.compactMap { field, column in fields[field].map { (column, $0.stringValue) as (String, any Encodable & Sendable) } })
        let server = try await Self.visibleServer(request, id)
        return Reply(["server": ServerViews.changed(server, request, images: try await Self.images(of: [server], request), rebuild: false)])
    }

    /// The images the servers were built from, for 2.98's embedded image properties.
    static func images(of servers: [Server], _ request: APIRequest) async throws -> [String: Image] {
        guard request.version >= APIVersion(2, 98) else { return [:] }
        var images: [String: Image] = [:]
        for ref in Set(servers.compactMap(\.imageRef)) where !ref.isEmpty {
            images[ref] = try? await ImageStore(request).get(ref, project: request.auth.projectID, isAdmin: true)
        }
        return images
    }
}
