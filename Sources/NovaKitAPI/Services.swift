import Logging
public import NovaKitCore
public import NovaKitPolicy
public import NovaKitStorage

/// What every handler may use: storage, policy, time, ids and the enabled extensions. Passed explicitly, never
/// global; what only some APIs need (the compute runtime) reaches them through their initialisers.
public struct Services: Sendable {
    public let database: Database
    public let policy: PolicyEnforcer
    public let clock: any NovaClock
    public let ids: any IDGenerator
    /// The descriptors of the enabled extensions, sorted by alias, for `/extensions`.
    public let extensions: [ExtensionDescriptor]
    /// The most items one page of any collection holds (Nova's `[api] max_limit`); a larger `limit` means this.
    public let maxLimit: Int

    public init(
        database: Database, policy: PolicyEnforcer, clock: any NovaClock = SystemClock(),
        ids: any IDGenerator = RandomIDGenerator(), extensions: [ExtensionDescriptor], maxLimit: Int = 1000
    ) {
        self.database = database
        self.policy = policy
        self.clock = clock
        self.ids = ids
        self.extensions = extensions
        self.maxLimit = maxLimit
    }
}
