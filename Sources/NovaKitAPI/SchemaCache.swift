import NovaKitCore
import Synchronization

/// A body's schemas by microversion, each built once: `RequestBody.schema(at:)` runs the first time a
/// version asks for it, not on every request.
final class SchemaCache: Sendable {
    private let make: @Sendable (APIVersion) -> Schema
    private let built = Mutex<[APIVersion: Schema]>([:])

    init(_ make: @escaping @Sendable (APIVersion) -> Schema) { self.make = make }

    func schema(at version: APIVersion) -> Schema {
        if let known = built.withLock({ $0[version] }) { return known }
        let schema = make(version)
        built.withLock { $0[version] = schema }
        return schema
    }
}
