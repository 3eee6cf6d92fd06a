import NovaKitCore
import NovaKitStorage

/// The SQL of one API's tables, built from the database and clock it needs.
public protocol TableStore: Sendable {
    init(database: Database, clock: any NovaClock)
}

extension TableStore {
    /// The store as a handler uses it: the request's database and clock.
    public init(_ request: APIRequest) { self.init(database: request.services.database, clock: request.services.clock) }
}
