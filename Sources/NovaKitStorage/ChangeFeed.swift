import Logging
import PostgresNIO
import Synchronization

/// What a change notice is about: a kind of cached data (the flavor catalogue, validated tokens).
public struct ChangeTopic: Hashable, Sendable, CustomStringConvertible {
    public let name: String

    /// `name` is one word (letters, digits, `.`, `_`, `-`): notices carry it space-separated.
    public init(_ name: String) {
        precondition(!name.isEmpty && !name.contains(" "), "a change topic is one word")
        self.name = name
    }

    public var description: String { name }
}

/// Tells the other nodes on the same database what this node changed, and this node what they changed, so
/// every node drops its cached copies at once instead of serving them until they age out.
///
/// On PostgreSQL a notice is a `NOTIFY` on one channel, and every node `LISTEN`s on a connection of its own;
/// a node ignores its own notices (it dropped its copies when it wrote). When that connection is lost, or
/// first set up, every subscriber is told that anything may have changed (`detail` nil), since notices sent
/// meanwhile were missed. On SQLite there is one node: announcing does nothing.
public final class ChangeFeed: Sendable {
    /// Called with a notice's detail (what exactly changed, e.g. one token), or nil for "anything may have".
    public typealias Subscriber = @Sendable (_ detail: String?) async -> Void

    static let channel = "novakit_changes"

    /// This node's id in the notices it sends.
    let node = String(UInt64.random(in: .min ... .max), radix: 16)
    private let subscribers = Mutex<[ChangeTopic: [Subscriber]]>([:])
    private let listener = Mutex<Listener?>(nil)
    private let announcer: (@Sendable (String) async throws -> Void)?
    private let logger: Logger

    /// The PostgreSQL session that receives notices, and the connection it currently uses.
    private struct Listener {
        var task: Task<Void, Never>
        var connection: PostgresConnection?
    }

    /// A feed that only delivers locally (SQLite: one node).
    static func local(logger: Logger) -> ChangeFeed { ChangeFeed(announcer: nil, logger: logger) }

    private init(announcer: (@Sendable (String) async throws -> Void)?, logger: Logger) {
        self.announcer = announcer
        self.logger = logger
    }

    /// A feed over PostgreSQL: notices are sent by `send` (a `pg_notify` on a pooled connection) and received on a
    /// connection of its own opened with `configuration`. Returns once that connection listens (or its first
    /// attempt failed; it is retried in the background).
    static func postgres(
        configuration: PostgresConnection.Configuration, logger: Logger, send: @escaping @Sendable (String) async throws -> Void
    ) async -> ChangeFeed {
        let feed = ChangeFeed(announcer: send, logger: logger)
        let (ready, signal) = AsyncStream<Void>.makeStream()
        let task = Task { await feed.listen(configuration, ready: signal) }
        feed.listener.withLock { $0 = Listener(task: task, connection: nil) }
        for await _ in ready { break }
        return feed
    }

    /// Calls `subscriber` for every notice about `topic` from another node, and with nil whenever notices may
    /// have been missed.
    public func subscribe(_ topic: ChangeTopic, _ subscriber: @escaping Subscriber) {
        subscribers.withLock { $0[topic, default: []].append(subscriber) }
    }

    /// Tells the other nodes that this one changed `topic` (`detail`: what exactly, if one thing). A notice that
    /// cannot be sent is logged, not thrown: the change itself is done, and the others' copies age out.
    public func announce(_ topic: ChangeTopic, detail: String? = nil) async {
        guard let announcer else { return }
        let notice = [node, topic.name, detail].compactMap(\.self).joined(separator: " ")
        do { try await announcer(notice) } catch {
            logger.warning("could not tell other nodes of a change", metadata: ["topic": "\(topic)", "error": "\(String(reflecting: error))"])
        }
    }

    /// Stops listening; the feed delivers nothing afterwards.
    func stop() async {
        let stopped = listener.withLock { listener -> Listener? in
            defer { listener = nil }
            listener?.task.cancel()
            return listener
        }
        try? await stopped?.connection?.close()
        await stopped?.task.value
    }

    /// Listens until stopped, connecting again (after a pause that grows to two seconds) whenever the
    /// connection is lost. `ready` is told once, after the first attempt.
    private func listen(_ configuration: PostgresConnection.Configuration, ready: AsyncStream<Void>.Continuation) async {
        var pause = Duration.milliseconds(100)
        defer { ready.finish() }
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
                let kept = listener.withLock { listener in
                    listener?.connection = connection
                    return listener != nil
                }
                guard kept else {
                    try? await connection.close()
                    return
                }
                try await connection.listen(on: Self.channel) { notices in
                    // LISTEN is sent before the first query on the connection runs: once this answers, it is in place.
                    _ = try await connection.query("SELECT 1", logger: logger).collect()
                    await deliverEverything()
                    ready.yield()
                    pause = .milliseconds(100)
                    for try await notice in notices { await deliver(notice.payload) }
                }
            } catch {
                if !Task.isCancelled {
                    logger.warning("lost the change feed's connection", metadata: ["error": "\(String(reflecting: error))"])
                }
            }
            ready.yield()
            let connection = listener.withLock { listener in
                defer { listener?.connection = nil }
                return listener?.connection
            }
            try? await connection?.close()
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(2))
        }
    }

    /// Hands a notice from another node to the subscribers of its topic.
    func deliver(_ notice: String) async {
        let parts = notice.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0] != node, !parts[1].isEmpty, !parts[1].contains(" ") else { return }
        let topic = ChangeTopic(String(parts[1]))
        let detail = parts.count == 3 ? String(parts[2]) : nil
        for subscriber in subscribers.withLock({ $0[topic] ?? [] }) { await subscriber(detail) }
    }

    /// Tells every subscriber that anything may have changed.
    private func deliverEverything() async {
        for subscriber in subscribers.withLock({ $0.values.flatMap(\.self) }) { await subscriber(nil) }
    }
}
