import Foundation
public import NovaKitAPI
import NovaKitCompute
public import NovaKitCore
public import NovaKitPolicy
public import NovaKitStorage
import SQLKit

/// `os-simple-tenant-usage`: how long each project's instances ran within `start`…`end` (default: now…now),
/// with hours weighted by vCPUs, memory and disk, as Nova counts them: an instance counts from its launch
/// (never-launched ones count nothing) to its termination or the end of the window, deleted ones included.
/// 2.40 pages the instances (`limit`, `marker`).
public struct SimpleTenantUsage: APIExtension {
    public static let key = ResourceKey<String>("os-simple-tenant-usage")

    let database: Database
    let clock: any NovaClock

    public init(database: Database, clock: any NovaClock) {
        self.database = database
        self.clock = clock
    }

    public let descriptor = ExtensionDescriptor(
        name: "SimpleTenantUsage", alias: "os-simple-tenant-usage",
        namespace: "http://docs.openstack.org/compute/ext/os-simple-tenant-usage/api/v1.1", updated: "2011-08-19T00:00:00Z",
        description: "Simple tenant usage extension.")

    enum Rules {
        static let list = PolicyDefault(
            "os_compute_api:os-simple-tenant-usage:list", "rule:admin_api", description: "Every project's usage.")
        static let show = PolicyDefault(
            "os_compute_api:os-simple-tenant-usage:show", "rule:admin_or_owner", description: "One project's usage.")
    }

    public var policies: [PolicyDefault] { [Rules.list, Rules.show] }

    /// The project named in the URL is the policy target.
    static let lookup = MemberLookup<String>.target { project, _ in (project, ["project_id": project]) }

    public var api: [APIDeclaration] {
        Resource(Self.key, lookup: Self.lookup) {
            Index(policy: Rules.list) { request in
                let window = try Window(request, now: clock.now())
                let detailed = request.queryValue("detailed") == "1"
                let (usages, links) = try await page(project: nil, window, request, collection: "os-simple-tenant-usage")
                var projects: [String] = []
                for usage in usages where !projects.contains(usage.project) { projects.append(usage.project) }
                var body: JSON = [
                    "tenant_usages": .array(
                        projects.map { project in
                            Self.summary(project, usages.filter { $0.project == project }, window, detailed: detailed)
                        })
                ]
                if let links { body["tenant_usages_links"] = links }
                return Reply(body)
            }
            Show(policy: Rules.show) { project, request in
                let window = try Window(request, now: clock.now())
                let (usages, links) = try await page(project: project, window, request, collection: "os-simple-tenant-usage/\(project)")
                var body: JSON = [
                    "tenant_usage": usages.isEmpty ? [:] : Self.summary(project, usages, window, detailed: true)
                ]
                if let links { body["tenant_usage_links"] = links }
                return Reply(body)
            }
        }
    }

    /// The reporting window: `start` and `end` in Nova's formats, each defaulting to now.
    struct Window {
        let start: Date
        let stop: Date
        let now: Date

        init(_ request: APIRequest, now: Date) throws {
            start = try Self.parse(request.queryValue("start")) ?? now
            stop = try Self.parse(request.queryValue("end")) ?? now.addingTimeInterval(0.000_001)
            self.now = now
            guard start < stop else { throw Fault.badRequest("Invalid start time. The start time cannot occur after the end time.") }
        }

        static func parse(_ text: String?) throws -> Date? {
            guard let text, !text.isEmpty else { return nil }
            guard let date = Timestamp.parse(text) else { throw Fault.badRequest("Invalid input: Datetime is in invalid format") }
            return date
        }
    }

    /// One instance's usage within the window.
    struct InstanceUsage {
        let server: Server
        let hours: Double

        var project: String { server.projectID }
        var localGB: Int { server.flavor.disk + server.flavor.ephemeral }
    }

    /// The instances active within the window (launched before its end, not terminated before its start),
    /// oldest first; from 2.40 one page of them after `marker`.
    func page(project: String?, _ window: Window, _ request: APIRequest, collection: String) async throws -> ([InstanceUsage], JSON?) {
        let paged = request.version >= APIVersion(2, 40)
        let (limit, marker) = paged ? try request.pagination() : (Int.max, nil)
        let servers = try await database.read { sql in
            var query = InstanceRow.select(on: sql, readDeleted: .yes).where("launched_at", .lessThan, SQLBind(window.stop))
                .where { $0.where("terminated_at", .is, SQLLiteral.null).orWhere("terminated_at", .greaterThan, SQLBind(window.start)) }
            if let project { query = query.where("project_id", .equal, SQLBind(project)) }
            if let marker {
                query = query.where("id", .greaterThan, SQLBind(try await sql.markerRowID(marker, in: "instances", column: "uuid")))
            }
            return try await query.orderBy("id").limit(limit).all(InstanceRow.self).map(Server.init)
        }
        let usages = servers.map { InstanceUsage(server: $0, hours: Self.hours($0, window)) }
        let links = paged ? request.nextLinks(collection, page: usages.count, limit: limit, lastMarker: usages.last?.server.id) : nil
        return (usages, links)
    }

    static func hours(_ server: Server, _ window: Window) -> Double {
        guard let launched = server.launchedAt else { return 0 }
        let start = max(launched, window.start)
        let stop = min(server.terminatedAt ?? window.stop, window.stop)
        return max(0, stop.timeIntervalSince(start)) / 3600
    }

    static func summary(_ project: String, _ usages: [InstanceUsage], _ window: Window, detailed: Bool) -> JSON {
        var view: JSON = [
            "tenant_id": .string(project), "start": .string(Timestamp.naive(window.start)), "stop": .string(Timestamp.naive(window.stop)),
            "total_hours": .double(usages.reduce(0) { $0 + $1.hours }),
            "total_vcpus_usage": .double(usages.reduce(0) { $0 + Double($1.server.flavor.vcpus) * $1.hours }),
            "total_memory_mb_usage": .double(usages.reduce(0) { $0 + Double($1.server.flavor.ram) * $1.hours }),
            "total_local_gb_usage": .double(usages.reduce(0) { $0 + Double($1.localGB) * $1.hours }),
        ]
        if detailed { view["server_usages"] = .array(usages.map { serverUsage($0, now: window.now) }) }
        return view
    }

    static func serverUsage(_ usage: InstanceUsage, now: Date) -> JSON {
        let server = usage.server
        let started = server.launchedAt ?? server.createdAt
        return [
            "instance_id": .string(server.id), "name": .string(server.name), "tenant_id": .string(server.projectID),
            "hours": .double(usage.hours), "vcpus": .int(server.flavor.vcpus), "memory_mb": .int(server.flavor.ram),
            "local_gb": .int(usage.localGB), "flavor": .string(server.flavor.name), "started_at": .string(Timestamp.naive(started)),
            "ended_at": server.terminatedAt.map { .string(Timestamp.naive($0)) } ?? .null,
            "state": .string(server.terminatedAt == nil ? server.state.vm.rawValue : "terminated"),
            "uptime": .int(Int((server.terminatedAt ?? now).timeIntervalSince(started))),
        ]
    }
}
