import Foundation
import HTTPTypes
public import Hummingbird
import Logging
public import NovaKitCore
public import NovaKitHTTP
public import NovaKitStorage

/// The network listener (default 127.0.0.1:9696): the Neutron v2.0 subset compute and its clients use —
/// networks, subnets, ports and routers — with Neutron's error body; the request id, error catch and access
/// log are the shared `RequestPipeline`'s.
public struct NetworkListener: Listener {
    public let name = "network"

    let networks: NetworkStore
    let subnets: SubnetStore
    let ports: PortStore
    let routers: RouterStore
    let securityGroupStore: SecurityGroupStore
    let quotaStore: NetworkQuotaStore
    let floatingIPStore: FloatingIPStore
    let topologies: AutoAllocatedTopology
    /// What else must follow a group's new name (compute keeps its servers' group names).
    let onSecurityGroupRename: @Sendable (_ old: String, _ new: String, _ project: String) async throws -> Void
    let authenticator: any Authenticator
    let clock: any NovaClock
    let ids: any IDGenerator

    public init(
        database: Database, clock: any NovaClock, ids: any IDGenerator, authenticator: any Authenticator,
        onSecurityGroupRename: @escaping @Sendable (_ old: String, _ new: String, _ project: String) async throws -> Void = { _, _, _ in }
    ) {
        securityGroupStore = SecurityGroupStore(database: database, clock: clock, ids: ids)
        quotaStore = NetworkQuotaStore(database: database, clock: clock)
        floatingIPStore = FloatingIPStore(database: database, clock: clock, ids: ids)
        topologies = AutoAllocatedTopology(database: database, clock: clock, ids: ids)
        self.onSecurityGroupRename = onSecurityGroupRename
        networks = NetworkStore(database: database, clock: clock, ids: ids)
        subnets = SubnetStore(database: database, clock: clock)
        ports = PortStore(database: database, clock: clock, ids: ids)
        routers = RouterStore(database: database, clock: clock, ids: ids)
        self.authenticator = authenticator
        self.clock = clock
        self.ids = ids
    }

    public func handle(_ request: Request, trace: inout RequestTrace) async throws -> Response {
        try await route(request)
    }

    /// Neutron's error body: `{"NeutronError": {"type", "message", "detail"}}`; anything unexpected is a logged 500.
    public func response(for error: any Error, trace: RequestTrace) -> Response {
        let fault = (error as? any FaultConvertible)?.fault ?? .internalError
        if !(error is any FaultConvertible) { trace.logger.error("unexpected network API error: \(String(reflecting: error))") }
        let type = (error as? NeutronError)?.type ?? NeutronError.type(for: fault.code)
        let body: JSON = ["NeutronError": ["type": .string(type), "message": .string(fault.message), "detail": ""]]
        return .json(body, status: .init(code: fault.code), headers: fault.httpHeaders)
    }

    /// The collections this listener serves, by their URL name and the key of one member in a body.
    static let collections: [(path: String, member: String)] = [
        ("networks", "network"), ("subnets", "subnet"), ("ports", "port"), ("routers", "router"), ("security-groups", "security_group"),
        ("security-group-rules", "security_group_rule"), ("floatingips", "floatingip"),
    ]

    private func route(_ request: Request) async throws -> Response {
        let base = "http://" + (request.head.authority ?? "127.0.0.1:9696")
        var segments = request.uri.path.split(separator: "/").map(String.init)
        if let last = segments.last, last.hasSuffix(".json") { segments[segments.count - 1] = String(last.dropLast(5)) }
        if segments.isEmpty {
            let version: JSON = ["id": "v2.0", "status": "CURRENT", "links": [["rel": "self", "href": .string("\(base)/v2.0/")]]]
            return .json(["versions": [version]], status: .ok)
        }
        guard segments[0] == "v2.0" else { throw NeutronError(code: 404, type: "HTTPNotFound", message: "The resource could not be found.") }
        let auth = try await authenticator.authenticate(token: request.headers[.authToken])
        try auth.refuseSystemScopedChange(method: request.method.rawValue)
        try auth.checkAccessRules(service: "network", method: request.method.rawValue, path: request.uri.path)
        let rest = Array(segments.dropFirst())
        var query: [(String, String)] = []
        for (key, value) in request.uri.queryParameters { query.append((String(key), String(value))) }
        switch (request.method, rest.count, rest.first) {
        case (.get, 0, _):
            let resources = Self.collections.map { collection -> JSON in
                [
                    "name": .string(collection.member), "collection": .string(collection.path),
                    "links": [["rel": "self", "href": .string("\(base)/v2.0/\(collection.path)")]],
                ]
            }
            return .json(["resources": .array(resources)], status: .ok)
        case (.get, 1, "extensions"):
            return .json(["extensions": .array(NeutronExtensions.all.map(\.view))], status: .ok)
        case (.get, 2, "extensions"):
            guard let found = NeutronExtensions.all.first(where: { $0.alias == rest[1] }) else {
                throw NeutronError(code: 404, type: "HTTPNotFound", message: "Extension with alias \(rest[1]) does not exist")
            }
            return .json(["extension": found.view], status: .ok)
        case (_, _, "networks"): return try await networks(request, rest, try NeutronQuery(query), auth)
        case (_, _, "subnets"): return try await subnets(request, rest, try NeutronQuery(query), auth)
        case (_, _, "ports"): return try await ports(request, rest, try NeutronQuery(query), auth)
        case (_, _, "routers"): return try await routers(request, rest, try NeutronQuery(query), auth)
        case (_, _, "quotas"): return try await quotas(request, rest, auth)
        case (_, _, "floatingips"): return try await floatingIPs(request, rest, try NeutronQuery(query), auth)
        case (_, _, "security-groups"): return try await securityGroups(request, rest, try NeutronQuery(query), auth)
        case (_, _, "security-group-rules"): return try await securityGroupRules(request, rest, try NeutronQuery(query), auth)
        case (_, 2, "auto-allocated-topology"): return try await autoAllocatedTopology(request, project: rest[1], query, auth)
        default:
            throw NeutronError(code: 404, type: "HTTPNotFound", message: "The resource could not be found.")
        }
    }

    /// The JSON body of a create or update (at most 1 MiB).
    func body(_ request: Request) async throws -> JSON {
        do {
            return try await RequestBodyReader(maxBytes: 1 << 20).read(request)
        } catch let fault as Fault where fault.code == 400 {
            throw NeutronError.badRequest(fault.message)
        }
    }

    /// A list reply: each member cut to the requested `fields`.
    func list(_ key: String, _ views: [JSON], _ query: NeutronQuery) -> Response {
        .json([key: .array(views.map(query.select))], status: .ok)
    }

    func one(_ key: String, _ view: JSON, _ query: NeutronQuery, status: HTTPResponse.Status = .ok) -> Response {
        .json([key: query.select(view)], status: status)
    }

    static let notAllowed = NeutronError(code: 405, type: "HTTPMethodNotAllowed", message: "The method is not allowed for this resource.")

    /// The project a new resource belongs to: the caller's, or — for admins only — the one named in the body.
    func owner(_ body: NeutronBody, _ auth: AuthContext) throws -> String {
        let named = try body.string("project_id") ?? body.string("tenant_id")
        guard let named, named != auth.projectID else { return auth.projectID }
        guard auth.isAdmin else {
            throw NeutronError.badRequest(
                "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin privileges")
        }
        return named
    }

    /// A non-admin changing what only admins may set.
    static func adminOnly(_ attribute: String) -> NeutronError {
        NeutronError(code: 403, type: "PolicyNotAuthorized", message: "(rule:\(attribute)) is disallowed by policy")
    }
}
