/// An instance as the lifecycle engine sees it.
public struct LifecycleRecord: Sendable, Equatable {
    public var state: InstanceState
    /// The vm_state before the action in flight (before a resize, for confirm and revert).
    public var previous: VMState
    public var host: String
    public var locked: Bool
    public var fault: String?

    public init(state: InstanceState, previous: VMState, host: String, locked: Bool = false, fault: String? = nil) {
        self.state = state
        self.previous = previous
        self.host = host
        self.locked = locked
        self.fault = fault
    }
}

/// Where the engine keeps lifecycle state: SQL in the service, memory in tests.
public protocol InstanceStateStore: Sendable {
    func record(_ instance: String) async throws -> LifecycleRecord?
    func save(_ instance: String, _ record: LifecycleRecord) async throws
    /// Stores `record` only if the instance is still in `expected` (Nova's expected task state), so two
    /// requests — in this process or another node's — cannot both start work; returns whether it stored.
    func save(_ instance: String, _ record: LifecycleRecord, ifStillIn expected: InstanceState) async throws -> Bool
    /// Stores the final state of `action` together with what it changes beyond the states (flavor and host
    /// after a resize, the row itself after a delete), atomically where the store can.
    func finish(_ instance: String, _ record: LifecycleRecord, after action: InstanceAction, failed: Bool) async throws
    /// Instances with a task in flight or still building (what a restart must look at).
    func unsettled() async throws -> [String]
}

extension InstanceStateStore {
    public func finish(_ instance: String, _ record: LifecycleRecord, after action: InstanceAction, failed: Bool) async throws {
        try await save(instance, record)
    }
}

/// An in-memory store, for tests and embedding.
public actor InMemoryInstanceStore: InstanceStateStore {
    private var records: [String: LifecycleRecord] = [:]

    public init(_ records: [String: LifecycleRecord] = [:]) {
        self.records = records
    }

    public func record(_ instance: String) -> LifecycleRecord? { records[instance] }
    public func save(_ instance: String, _ record: LifecycleRecord) { records[instance] = record }
    public func save(_ instance: String, _ record: LifecycleRecord, ifStillIn expected: InstanceState) -> Bool {
        guard records[instance]?.state == expected else { return false }
        records[instance] = record
        return true
    }
    public func unsettled() -> [String] {
        records.filter(\.value.state.isUnsettled).keys.sorted()
    }
}
