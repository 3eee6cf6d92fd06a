import NovaKitCompute
import SQLKit

/// How a server group's policy narrows the scheduler's choice for new members: affinity keeps them on
/// the host the group already uses, anti-affinity off hosts holding `max_server_per_host` members (1 unless
/// 2.64's rule says more); the soft policies try the same and fall back to any host. Members of one
/// request count as they are placed.
struct GroupPlacement {
    let policy: String
    let maxPerHost: Int
    /// Members per host, the group's existing ones and those placed so far.
    private(set) var membersPerHost: [String: Int] = [:]

    /// Reads the group's live members; a request that would take it past `server_group_members` is refused.
    init(_ group: ServerGroup, adding count: Int, limits: [String: Int], _ sql: any SQLDatabase) async throws {
        policy = group.policy
        maxPerHost = group.maxServerPerHost ?? 1
        let members = try await ServerGroupStore.members(of: group.rowID, sql)
        let limit = limits["server_group_members"] ?? -1
        if limit >= 0, members.count + count > limit {
            throw QuotaExceeded(resource: "server_group_members", requested: count, used: members.count, limit: limit)
        }
        for member in members { if let host = member.host { membersPerHost[host, default: 0] += 1 } }
    }

    func select(_ request: Resources, hosts: [ComputeHost], used: [String: Resources], excluding: Set<String>) throws(NoValidHost)
        -> ComputeHost
    {
        let all = Set(hosts.map(\.name))
        let occupied = Set(membersPerHost.keys)
        let full = Set(membersPerHost.filter { $0.value >= maxPerHost }.keys)
        let ruledOut: Set<String>
        switch policy {
        case "affinity", "soft-affinity": ruledOut = occupied.isEmpty ? [] : all.subtracting(occupied)
        case "anti-affinity": ruledOut = full
        default: ruledOut = occupied
        }
        do {
            return try Scheduler.select(request, hosts: hosts, used: used, excluding: excluding.union(ruledOut))
        } catch {
            guard policy.hasPrefix("soft-") else { throw error }
            return try Scheduler.select(request, hosts: hosts, used: used, excluding: excluding)
        }
    }

    mutating func place(on host: String) { membersPerHost[host, default: 0] += 1 }
}
