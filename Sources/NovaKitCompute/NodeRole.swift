/// What one NovaKit node of a cloud does (`novakit serve --role`).
///
/// `all` (the default) serves the APIs and runs the work it accepts: one process on its own, or a node among
/// equals. `api` serves the APIs and hands the work it accepts to the database, where a `compute` node claims
/// it; a `compute` node serves no API (only its health check and metrics) and runs work: what API nodes hand
/// over, the work of nodes that stopped renewing their leases, and the periodic jobs.
public enum NodeRole: String, Sendable, CaseIterable {
    case all, api, compute

    /// Whether the node answers the compute, identity, image and network APIs.
    public var servesAPIs: Bool { self != .compute }
    /// Whether the node runs driver steps (its own accepted work, handed-over work, abandoned work).
    public var runsWork: Bool { self != .api }
}
