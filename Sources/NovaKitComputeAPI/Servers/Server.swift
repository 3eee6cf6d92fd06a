import Foundation
import NovaKitAPI
public import NovaKitCompute
import NovaKitCore
import NovaKitPolicy
import NovaKitStorage
import SQLKit
import Synchronization

/// The flavor an instance was built with, copied at create time as Nova does (the flavor may change or go later).
struct FlavorSnapshot: Codable, Sendable, Equatable {
    var id: String
    var name: String
    var ram: Int
    var vcpus: Int
    var disk: Int
    var ephemeral: Int
    var swap: Int
    var extraSpecs: [String: String]

    init(_ flavor: Flavor, extraSpecs: [String: String]) {
        id = flavor.flavorID
        name = flavor.name
        ram = flavor.memoryMB
        vcpus = flavor.vcpus
        disk = flavor.rootGB
        ephemeral = flavor.ephemeralGB
        swap = flavor.swap
        self.extraSpecs = extraSpecs
    }

    var resources: Resources { Resources(vcpus: vcpus, memoryMB: ram, diskGB: disk + ephemeral) }

    var text: String { String(decoding: (try? JSONEncoder().encode(self)) ?? Data("{}".utf8), as: UTF8.self) }

    /// Decodes a stored snapshot. Servers share a handful of flavors, so decoded snapshots are kept by their
    /// text (JSONDecoder dominated server listings otherwise).
    static func parse(_ text: String?) -> FlavorSnapshot? {
        guard let text else { return nil }
        if let known = cache.withLock({ $0[text] }) { return known }
        guard let decoded = try? JSONDecoder().decode(FlavorSnapshot.self, from: Data(text.utf8)) else { return nil }
        cache.withLock { entries in
            if entries.count >= 512 { entries.removeAll() }
            entries[text] = decoded
        }
        return decoded
    }

    private static let cache = Mutex<[String: FlavorSnapshot]>([:])

    /// What a row whose snapshot cannot be read shows: an empty flavor.
    static let unreadable = FlavorSnapshot(
        Flavor(
            flavorID: "", name: "", memoryMB: 0, vcpus: 0, rootGB: 0, ephemeralGB: 0, swap: 0, rxtxFactor: 1, isPublic: true, disabled: false,
            description: nil), extraSpecs: [:])
}

/// One fixed address of an instance on a (simulated) network.
struct NetworkAddress: Sendable, Equatable {
    var network: String
    var address: String
    var mac: String

    /// Stored as one `network<TAB>address<TAB>mac` line per address.
    static func text(of addresses: [NetworkAddress]) -> String {
        addresses.map { [$0.network, $0.address, $0.mac].joined(separator: "\t") }.joined(separator: "\n")
    }

    /// The addresses of a stored text: its non-empty lines of exactly three tab-separated fields (others are
    /// skipped). Read byte by byte, each field copied once: splitting into arrays of substrings and strings was
    /// 5 % of a detail page.
    static func parse(_ text: String?) -> [NetworkAddress] {
        guard var text, !text.isEmpty else { return [] }
        return text.withUTF8 { bytes in
            var addresses: [NetworkAddress] = []
            var lineStart = 0
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                if let address = line(bytes[lineStart..<lineEnd]) { addresses.append(address) }
                lineStart = lineEnd + 1
            }
            return addresses
        }
    }

    /// One line's address, if it has exactly three fields.
    private static func line(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> NetworkAddress? {
        guard let firstTab = bytes.firstIndex(of: UInt8(ascii: "\t")) else { return nil }
        let rest = bytes[(firstTab + 1)...]
        guard let secondTab = rest.firstIndex(of: UInt8(ascii: "\t")) else { return nil }
        let last = bytes[(secondTab + 1)...]
        guard !last.contains(UInt8(ascii: "\t")) else { return nil }
        return NetworkAddress(
            network: String(decoding: bytes[..<firstTab], as: UTF8.self), address: String(decoding: rest[..<secondTab], as: UTF8.self),
            mac: String(decoding: last, as: UTF8.self))
    }
}

/// An instance's latest fault, shown while it is in ERROR.
struct InstanceFault: Sendable, Equatable {
    var code: Int
    var message: String
    var details: String?
    var created: Date
}

/// An instance as the API shows it: its row, metadata, tags and latest fault. What an extension's handler
/// may read of it is public; changes go through the servers API's stores and the lifecycle engine.
public struct Server: Sendable {
    var rowID: Int
    public internal(set) var id: String
    public internal(set) var name: String
    var description: String?
    var hostname: String?
    public internal(set) var projectID: String
    public internal(set) var userID: String
    var imageRef: String?
    var flavor: FlavorSnapshot
    var oldFlavor: FlavorSnapshot?
    var newFlavor: FlavorSnapshot?
    public internal(set) var state: InstanceState
    public internal(set) var locked: Bool
    var lockedBy: String?
    var lockedReason: String?
    var host: String?
    var keyName: String?
    var userData: String?
    var availabilityZone: String?
    var reservationID: String
    var launchIndex: Int
    var accessIPv4: String
    var accessIPv6: String
    var addresses: [NetworkAddress]
    var launchedAt: Date?
    var terminatedAt: Date?
    var createdAt: Date
    var updatedAt: Date?
    var deleted: Bool
    public internal(set) var metadata: [String: String] = [:]
    var tags: [String] = []
    var fault: InstanceFault?
    /// The vm_state before the action in flight (`nil`: the current one).
    var previousVMState: VMState?
    /// Whether the instance was asked for a config drive (shown as `"True"` or `""`, as Nova).
    var configDrive = false
    /// The security groups the server's ports are in, by name (none without an address).
    var securityGroups: [String] = []
    /// `OS-DCF:diskConfig`: AUTO (the disk is resized to fill the flavor's) or MANUAL.
    var autoDiskConfig = false

    /// The `OS-DCF:diskConfig` value shown.
    var diskConfig: JSON { autoDiskConfig ? "AUTO" : "MANUAL" }

    /// Nova's `instance_name` template, `instance-%08x` of the row id.
    var instanceName: String { Self.instanceName(rowID: rowID) }

    /// `instance-` and the row id in lowercase hex, at least eight digits (Python's `%08x`).
    static func instanceName(rowID: Int) -> String {
        let hex = String(rowID, radix: 16)
        return "instance-" + String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }

    /// The status the API shows (DELETED for soft-deleted rows).
    var status: String { deleted ? "DELETED" : state.status }

    /// Whether the view shows the latest fault: only in ERROR, or once deleted (as Nova).
    var showsFault: Bool { Self.showsFault(deleted: deleted, state: state) }

    /// `showsFault` from the two fields it depends on: a page reads them where its servers are, where calling
    /// the property on each copied the whole server first.
    static func showsFault(deleted: Bool, state: InstanceState) -> Bool {
        let status = deleted ? "DELETED" : state.status
        return status == "ERROR" || status == "DELETED"
    }

    /// The instance as the lifecycle engine sees it, so an action submits what this request already read.
    var lifecycleRecord: LifecycleRecord {
        LifecycleRecord(state: state, previous: previousVMState ?? state.vm, host: host ?? "", locked: locked)
    }
}

/// `Instance <id> could not be found.` (404)
struct InstanceNotFound: FaultConvertible {
    let id: String
    var fault: Fault { .notFound("Instance \(id) could not be found.") }
}

/// The `security_groups` column of `instances`: a server's group names as a JSON list, NULL for none. Read
/// for every listed row, and servers share a handful of lists, so parsed lists are kept by their text (as
/// flavor snapshots are).
enum SecurityGroupNames {
    static func text(_ names: [String]) -> String? {
        guard !names.isEmpty, let data = try? JSONEncoder().encode(names) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func parse(_ text: String?) -> [String] {
        guard let text else { return [] }
        if let known = cache.withLock({ $0[text] }) { return known }
        let names = (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
        cache.withLock { entries in
            if entries.count >= 512 { entries.removeAll() }
            entries[text] = names
        }
        return names
    }

    private static let cache = Mutex<[String: [String]]>([:])
}
