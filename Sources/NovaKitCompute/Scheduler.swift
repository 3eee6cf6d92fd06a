/// A fake compute host and its capacity.
public struct ComputeHost: Sendable, Hashable {
    public let name: String
    public let vcpus: Int
    public let memoryMB: Int
    public let diskGB: Int

    public init(name: String, vcpus: Int, memoryMB: Int, diskGB: Int) {
        self.name = name
        self.vcpus = vcpus
        self.memoryMB = memoryMB
        self.diskGB = diskGB
    }

    /// NovaKit's default: one host.
    public static let `default` = ComputeHost(name: "novakit-compute-1", vcpus: 64, memoryMB: 262_144, diskGB: 4096)
}

/// What an instance needs, or what a host already gives out.
public struct Resources: Sendable, Hashable {
    public var vcpus: Int
    public var memoryMB: Int
    public var diskGB: Int

    public init(vcpus: Int, memoryMB: Int, diskGB: Int) {
        self.vcpus = vcpus
        self.memoryMB = memoryMB
        self.diskGB = diskGB
    }

    public static let zero = Resources(vcpus: 0, memoryMB: 0, diskGB: 0)

    public static func + (lhs: Resources, rhs: Resources) -> Resources {
        Resources(vcpus: lhs.vcpus + rhs.vcpus, memoryMB: lhs.memoryMB + rhs.memoryMB, diskGB: lhs.diskGB + rhs.diskGB)
    }

    public static func - (lhs: Resources, rhs: Resources) -> Resources {
        Resources(vcpus: lhs.vcpus - rhs.vcpus, memoryMB: lhs.memoryMB - rhs.memoryMB, diskGB: lhs.diskGB - rhs.diskGB)
    }

    /// The larger of two claims, resource by resource (a resize holds the bigger of old and new).
    public static func max(_ a: Resources, _ b: Resources) -> Resources {
        Resources(vcpus: Swift.max(a.vcpus, b.vcpus), memoryMB: Swift.max(a.memoryMB, b.memoryMB), diskGB: Swift.max(a.diskGB, b.diskGB))
    }
}

/// No host has room: Nova's `No valid host was found.`
public struct NoValidHost: Error, Sendable, Equatable {
    public let reason: String
}

/// Picks the host with the most free memory that fits the request (Nova's RAM weigher, simplified).
public enum Scheduler {
    public static func select(
        _ request: Resources, hosts: [ComputeHost], used: [String: Resources], excluding: Set<String> = []
    ) throws(NoValidHost) -> ComputeHost {
        let fitting = hosts.filter { host in
            let usage = (used[host.name] ?? .zero) + request
            return !excluding.contains(host.name) && usage.vcpus <= host.vcpus && usage.memoryMB <= host.memoryMB && usage.diskGB <= host.diskGB
        }
        let freeRAM = { (host: ComputeHost) in host.memoryMB - (used[host.name]?.memoryMB ?? 0) }
        guard let best = fitting.max(by: { freeRAM($0) < freeRAM($1) || (freeRAM($0) == freeRAM($1) && $0.name > $1.name) }) else {
            throw NoValidHost(reason: "No valid host was found. There are not enough hosts available.")
        }
        return best
    }
}
