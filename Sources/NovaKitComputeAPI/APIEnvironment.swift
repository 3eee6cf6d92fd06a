public import NovaKitCompute
public import NovaKitCore
public import NovaKitStorage

/// What NovaKit's own APIs are built from; each takes the parts it needs through its initialiser.
public struct APIEnvironment: Sendable {
    public let database: Database
    public let clock: any NovaClock
    public let ids: any IDGenerator
    public let compute: ComputeRuntime

    public init(database: Database, clock: any NovaClock, ids: any IDGenerator, compute: ComputeRuntime) {
        self.database = database
        self.clock = clock
        self.ids = ids
        self.compute = compute
    }
}
