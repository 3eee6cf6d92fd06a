import Metrics

/// What the database's connections are doing, for `/metrics`: how long a caller waited for one
/// (`novakit_database_wait_seconds`) and how many are in use (`novakit_database_connections_in_use`), by kind
/// of connection. Recorded through swift-metrics, so they go wherever the process bootstrapped it (nowhere in
/// tests).
final class ConnectionUsage: Sendable {
    enum Kind: String, CaseIterable {
        /// SQLite's single writer, its read-only connections, PostgreSQL's pool.
        case writer, reader, pooled
    }

    private let waits: [Kind: Timer]
    private let inUse: [Kind: Meter]

    init() {
        var waits: [Kind: Timer] = [:]
        var inUse: [Kind: Meter] = [:]
        for kind in Kind.allCases {
            waits[kind] = Timer(label: "novakit_database_wait_seconds", dimensions: [("connection", kind.rawValue)])
            inUse[kind] = Meter(label: "novakit_database_connections_in_use", dimensions: [("connection", kind.rawValue)])
        }
        self.waits = waits
        self.inUse = inUse
    }

    /// Runs `body` on a connection of `kind` that was asked for at `requested`.
    func using<T>(_ kind: Kind, since requested: ContinuousClock.Instant, _ body: () async throws -> T) async throws -> T {
        let waited = ContinuousClock.now - requested
        waits[kind]?.recordNanoseconds(waited.components.seconds * 1_000_000_000 + waited.components.attoseconds / 1_000_000_000)
        inUse[kind]?.increment()
        defer { inUse[kind]?.decrement() }
        return try await body()
    }
}
