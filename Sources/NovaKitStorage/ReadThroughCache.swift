import Synchronization

/// Values read from the database that change rarely (the flavor catalogue, a user's keypairs), kept in memory
/// between reads, by key.
///
/// Writes through this process drop the kept values once they commit (`invalidating(after:)`), so this process
/// reads its own writes at once, and announce it on the database's change feed, so other nodes on PostgreSQL
/// drop theirs at once too. A write the feed does not carry (`novakit` commands on the SQLite file, a notice
/// lost with a connection) is seen when the value is `maxAge` old. A load that overlaps an invalidation is returned
/// to its caller but not kept, so a value loaded before a write never outlives that write. At most `capacity`
/// values are kept; when it is reached the old ones go, then all of them.
public final class ReadThroughCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var loadedAt: ContinuousClock.Instant
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var generation: UInt64 = 0
    }

    /// How long a value is served before it is read again.
    public let maxAge: Duration
    /// How many keys are kept at most.
    public let capacity: Int
    private let state = Mutex(State())
    /// Tells the other nodes that the kept values are stale.
    private let announce: @Sendable () async -> Void

    public init(maxAge: Duration, capacity: Int = 4096, announce: @escaping @Sendable () async -> Void = {}) {
        self.maxAge = maxAge
        self.capacity = capacity
        self.announce = announce
    }

    /// The kept value of `key` if it is younger than `maxAge`, else what `load` reads (kept unless an
    /// invalidation came while it ran).
    public func value(for key: Key, _ load: () async throws -> Value) async throws -> Value {
        let now = ContinuousClock.now
        let (kept, generation) = state.withLock { state -> (Value?, UInt64) in
            guard let entry = state.entries[key], now - entry.loadedAt < maxAge else { return (nil, state.generation) }
            return (entry.value, state.generation)
        }
        if let kept { return kept }
        let loaded = try await load()
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity, state.entries[key] == nil {
                state.entries = state.entries.filter { now - $0.value.loadedAt < maxAge }
                if state.entries.count >= capacity { state.entries.removeAll() }
            }
            state.entries[key] = Entry(value: loaded, loadedAt: now)
        }
        return loaded
    }

    /// Runs a write, then drops every kept value here and on the other nodes (whether or not the write
    /// succeeded): how a store's writes keep the cache honest.
    public func invalidating<T>(after write: () async throws -> T) async throws -> T {
        let result: Result<T, any Error>
        do { result = .success(try await write()) } catch { result = .failure(error) }
        invalidate()
        await announce()
        return try result.get()
    }

    /// Drops every kept value in this process; the next reads load them again.
    public func invalidate() {
        state.withLock { state in
            state.entries.removeAll()
            state.generation &+= 1
        }
    }
}

/// The read-through caches of one database, by name, so every store over the database shares them; each one
/// announces its writes on the change feed as topic `cache.<name>` and drops its values on the others'.
final class ReadThroughCaches: Sendable {
    private let caches = Mutex<[String: any Sendable]>([:])
    private let changes: ChangeFeed

    init(changes: ChangeFeed) {
        self.changes = changes
    }

    func cache<Key, Value>(_ name: String, of _: ReadThroughCache<Key, Value>.Type, maxAge: Duration) -> ReadThroughCache<Key, Value> {
        let topic = ChangeTopic("cache.\(name)")
        let (cache, created) = caches.withLock { caches -> (ReadThroughCache<Key, Value>, Bool) in
            if let cache = caches[name] as? ReadThroughCache<Key, Value> { return (cache, false) }
            let cache = ReadThroughCache<Key, Value>(maxAge: maxAge) { [changes] in await changes.announce(topic) }
            caches[name] = cache
            return (cache, true)
        }
        if created { changes.subscribe(topic) { _ in cache.invalidate() } }
        return cache
    }
}
