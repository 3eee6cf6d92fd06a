import Synchronization

/// Every SQL statement a test cloud runs, in order (give `record` as the cloud's query observer).
public final class RecordedStatements: Sendable {
    private let recorded = Mutex<[String]>([])

    public init() {}

    public func record(_ sql: String) { recorded.withLock { $0.append(sql) } }
    public func clear() { recorded.withLock { $0.removeAll() } }

    /// The SELECT statements, each once, sorted.
    public var selects: [String] { Array(Set(recorded.withLock { $0 }.filter { $0.hasPrefix("SELECT") })).sorted() }

    /// The reads of `table`, in order, repeats included.
    public func reads(of table: String) -> [String] {
        recorded.withLock { $0 }.filter { $0.hasPrefix("SELECT") && $0.contains(#"FROM "\#(table)""#) }
    }
}
