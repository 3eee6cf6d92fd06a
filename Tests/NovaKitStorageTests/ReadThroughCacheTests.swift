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
        let cache = ReadThroughCache<String, Int>(maxAge: .milliseconds(200))
        #expect(try await cache.value(for: "k") { source.load() } == 0)
        source.value.withLock { $0 = 1 }
        #expect(try await cache.value(for: "k") { source.load() } == 0)
        #expect(source.loads.withLock { $0 } == 1)
        cache.invalidate()
        #expect(try await cache.value(for: "k") { source.load() } == 1)
        #expect(source.loads.withLock { $0 } == 2)
        source.value.withLock { $0 = 2 }
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await cache.value(for: "k") { source.load() } == 2)
        #expect(source.loads.withLock { $0 } == 3)
    }

    @Test("a load that overlaps a write's invalidation is returned to its caller but not kept")
    func staleLoadIsNotKept() async throws {
        let cache = ReadThroughCache<String, String>(maxAge: .seconds(60))
        let loaded = try await cache.value(for: "k") {
            // The load read the old row; a write commits and invalidates before the load finishes.
            cache.invalidate()
            return "before the write"
        }
        #expect(loaded == "before the write")
        #expect(try await cache.value(for: "k") { "after the write" } == "after the write")
        #expect(try await cache.value(for: "k") { "not read again" } == "after the write")
    }

    @Test("keys are kept apart, an invalidation drops them all, and no more than the capacity is kept")
    func keys() async throws {
        let cache = ReadThroughCache<String, Int>(maxAge: .seconds(60), capacity: 2)
        #expect(try await cache.value(for: "a") { 1 } == 1)
        #expect(try await cache.value(for: "b") { 2 } == 2)
        #expect(try await cache.value(for: "a") { 0 } == 1)
        cache.invalidate()
        #expect(try await cache.value(for: "a") { 3 } == 3)
        #expect(try await cache.value(for: "b") { 4 } == 4)
        // A third key over the capacity: nothing is old enough to go, so everything goes.
        #expect(try await cache.value(for: "c") { 5 } == 5)
        #expect(try await cache.value(for: "a") { 6 } == 6)
        #expect(try await cache.value(for: "c") { 0 } == 5)
    }

    @Test("a failed load keeps nothing and the next read tries again")
    func failedLoad() async throws {
        struct Unavailable: Error {}
        let cache = ReadThroughCache<String, Int>(maxAge: .seconds(60))
        await #expect(throws: Unavailable.self) { try await cache.value(for: "k") { throw Unavailable() } }
        #expect(try await cache.value(for: "k") { 7 } == 7)
    }
}
