import Logging
import NovaKitCore
import NovaKitPolicy
import NovaKitStorage

/// What handlers may use: storage, policy, time and ids. Passed explicitly, never global.
public struct Services: Sendable {
    public let database: Database
    public let policy: PolicyEnforcer
    public let clock: any NovaClock
    public let ids: any IDGenerator
    /// The descriptors of the enabled extensions, sorted by alias, for `/extensions`.
    public let extensions: [ExtensionDescriptor]
    /// Long-lived parts such as the compute runtime.
    public let components: Components

    public init(
        database: Database, policy: PolicyEnforcer, clock: any NovaClock = SystemClock(),
        ids: any IDGenerator = RandomIDGenerator(), extensions: [ExtensionDescriptor], components: Components = Components()
    ) {
        self.components = components
        self.database = database
        self.policy = policy
        self.clock = clock
        self.ids = ids
        self.extensions = extensions
    }
}
