import Synchronization

/// A value read from the database that changes rarely (the flavor catalogue), kept in memory between reads.
///
/// Writes through this process call `invalidate()` once they commit, so this process reads its own writes at
/// once. A write by another process on the same database (another node on PostgreSQL, `novakit` commands on
/// the SQLite file) is seen when the value is `maxAge` old. A load that overlaps an invalidation is returned
/// to its caller but not kept, so a value loaded before a write never outlives that write.
public final class ReadThroughCache<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var loadedAt: ContinuousClock.Instant = .now
        var generation: UInt64 = 0
    }

    /// How long a value is served before it is read again.
    public let maxAge: Duration
    private let state = Mutex(State())

    public init(maxAge: Duration) {
        self.maxAge = maxAge
    }

    /// The kept value if it is younger than `maxAge`, else what `load` reads (kept unless invalidated meanwhile).
    public func value(_ load: () async throws -> Value) async throws -> Value {
        let now = ContinuousClock.now
        let (kept, generation) = state.withLock { state -> (Value?, UInt64) in
            guard let value = state.value, now - state.loadedAt < maxAge else { return (nil, state.generation) }
            return (value, state.generation)
        }
        if let kept { return kept }
        let loaded = try await load()
        state.withLock { state in
            guard state.generation == generation else { return }
            state.value = loaded
            state.loadedAt = now
        }
        return loaded
    }

    /// Drops the kept value; the next read loads it again.
    public func invalidate() {
        state.withLock { state in
            state.value = nil
            state.generation &+= 1
        }
    }
}

/// The read-through caches of one database, by name, so every store over the database shares them.
final class ReadThroughCaches: Sendable {
    private let caches = Mutex<[String: any Sendable]>([:])

    func cache<Value: Sendable>(_ name: String, of _: Value.Type, maxAge: Duration) -> ReadThroughCache<Value> {
        caches.withLock { caches in
            if let cache = caches[name] as? ReadThroughCache<Value> { return cache }
            let cache = ReadThroughCache<Value>(maxAge: maxAge)
            caches[name] = cache
            return cache
        }
    }
}
