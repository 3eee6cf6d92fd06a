/// Names an operation of a resource where another declaration refers to it (`Extend(…, [.show])`);
/// the registry refuses at start-up a name the resource does not declare.
public struct OperationName: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    init(_ rawValue: String) { self.rawValue = rawValue }

    public static let index = OperationName("index")
    public static let create = OperationName("create")
    public static let show = OperationName("show")
    public static let update = OperationName("update")
    public static let delete = OperationName("delete")

    /// A collection or member route declared under its own name (`detail`, `update_all`).
    public static func named(_ name: String) -> OperationName { OperationName(name) }

    /// A body-keyed action (`action(\"lock\")`).
    public static func action(_ key: String) -> OperationName { OperationName("action:\(key)") }

    public var description: String { rawValue }
}
