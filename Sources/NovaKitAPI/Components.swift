/// Long-lived parts an API needs beyond storage and policy (the compute lifecycle engine, say), keyed by
/// type. The composition root provides them; a handler asks for the one it was written against.
public struct Components: Sendable {
    private var values: [ObjectIdentifier: any Sendable] = [:]

    public init() {}

    public mutating func provide<T: Sendable>(_ value: T) { values[ObjectIdentifier(T.self)] = value }

    /// The component of type `T`; a 500 (logged with its name) when the process was assembled without it.
    public func require<T: Sendable>(_ type: T.Type) throws -> T {
        guard let value = values[ObjectIdentifier(T.self)] as? T else { throw MissingComponent(name: String(describing: T.self)) }
        return value
    }
}

/// A handler needed a component the process does not provide.
public struct MissingComponent: Error, CustomStringConvertible {
    public let name: String
    public var description: String { "no \(name) was provided to the API services" }
}
