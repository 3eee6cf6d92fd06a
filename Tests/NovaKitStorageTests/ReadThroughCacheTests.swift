import NovaKitStorage
import Synchronization
import Testing

@Suite("Read-through cache")
struct ReadThroughCacheTests {
    final class Source: Sendable {
        let value = Mutex(0)
        let loads = Mutex(0)
        func load() -> Int {
            loads.withLock { $0 += 1 }
            return value.withLock { $0 }
        }
    }

    @Test("a value is loaded once, kept, and loaded again after an invalidation or once it is too old")
    func keepsUntilInvalidatedOrOld() async throws {
        let source = Source()
        let cache = ReadThroughCache<Int>(maxAge: .milliseconds(200))
        #expect(try await cache.value { source.load() } == 0)
        source.value.withLock { $0 = 1 }
        #expect(try await cache.value { source.load() } == 0)
        #expect(source.loads.withLock { $0 } == 1)
        cache.invalidate()
        #expect(try await cache.value { source.load() } == 1)
        #expect(source.loads.withLock { $0 } == 2)
        source.value.withLock { $0 = 2 }
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await cache.value { source.load() } == 2)
        #expect(source.loads.withLock { $0 } == 3)
    }

    @Test("a load that overlaps a write's invalidation is returned to its caller but not kept")
    func staleLoadIsNotKept() async throws {
        let cache = ReadThroughCache<String>(maxAge: .seconds(60))
        let loaded = try await cache.value {
            // The load read the old row; a write commits and invalidates before the load finishes.
            cache.invalidate()
            return "before the write"
        }
        #expect(loaded == "before the write")
        #expect(try await cache.value { "after the write" } == "after the write")
        #expect(try await cache.value { "not read again" } == "after the write")
    }

    @Test("a failed load keeps nothing and the next read tries again")
    func failedLoad() async throws {
        struct Unavailable: Error {}
        let cache = ReadThroughCache<Int>(maxAge: .seconds(60))
        await #expect(throws: Unavailable.self) { try await cache.value { throw Unavailable() } }
        #expect(try await cache.value { 7 } == 7)
    }
}
