import Foundation
import NovaKitStorage

/// How many PostgreSQL connections the tests running at once may hold. Swift Testing runs every test in
/// parallel, and each PostgreSQL handle has a pool (`Database.open`'s connections per event loop) and a change
/// feed's listening connection: left alone, a burst of parallel tests can pass a server's default
/// `max_connections` (100) and fail with "too many clients". A test waits here for its share instead.
actor PostgresConnectionBudget {
    static let shared = PostgresConnectionBudget(capacity: 70)

    /// What one handle may hold at most: its pool on every event loop and the change feed's listener.
    static let perHandle = Database.defaultConnections * max(ProcessInfo.processInfo.activeProcessorCount, 1) + 1

    private let capacity: Int
    private var available: Int
    private var waiting: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    init(capacity: Int) {
        self.capacity = capacity
        self.available = capacity
    }

    /// Runs `body` once connections for `handles` handles (and one to create the database) are free; a test
    /// that needs more than the whole budget runs alone.
    nonisolated func withConnections<T>(forHandles handles: Int, _ body: () async throws -> T) async throws -> T {
        let count = min(handles * Self.perHandle + 1, capacity)
        await acquire(count)
        do {
            let result = try await body()
            await release(count)
            return result
        } catch {
            await release(count)
            throw error
        }
    }

    private func acquire(_ count: Int) async {
        if waiting.isEmpty && available >= count {
            available -= count
            return
        }
        await withCheckedContinuation { waiting.append((count, $0)) }
    }

    /// Wakes waiters first come, first served, so a large request is not starved by small ones.
    private func release(_ count: Int) {
        available += count
        while let first = waiting.first, first.count <= available {
            waiting.removeFirst()
            available -= first.count
            first.continuation.resume()
        }
    }
}
