import Logging
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Synchronization
import Testing

/// Two `Database` handles on one PostgreSQL database are two nodes: what one announces, the other hears.
@Suite("Change feed between nodes")
struct ChangeFeedTests {
    static var clusters: [DatabaseURL] { TestDatabases.engines.filter { !$0.isEmbedded } }

    /// What a subscriber heard, in order (nil: "anything may have changed").
    final class Heard: Sendable {
        let notices = Mutex<[String?]>([])
        func record(_ detail: String?) { notices.withLock { $0.append(detail) } }
        var all: [String?] { notices.withLock { $0 } }
        func clear() { notices.withLock { $0.removeAll() } }

        /// Waits up to `seconds` for `condition` to hold of what was heard.
        func eventually(seconds: Double = 5, _ condition: ([String?]) -> Bool) async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while ContinuousClock.now < deadline {
                if condition(all) { return true }
                try await Task.sleep(for: .milliseconds(10))
            }
            return condition(all)
        }
    }

    @Test("a notice reaches the other node's subscribers of its topic with its detail, and not the sender's own", arguments: clusters)
    func noticesReachOtherNodes(url: DatabaseURL) async throws {
        try await TestDatabases.withNodes(url, count: 2) { nodes async throws in
            let (first, second) = (nodes[0], nodes[1])
            let heardBySecond = Heard()
            let heardByFirst = Heard()
            let otherTopic = Heard()
            second.changes.subscribe(ChangeTopic("tokens")) { heardBySecond.record($0) }
            second.changes.subscribe(ChangeTopic("flavors")) { otherTopic.record($0) }
            first.changes.subscribe(ChangeTopic("tokens")) { heardByFirst.record($0) }

            await first.changes.announce(ChangeTopic("tokens"), detail: "abc123")
            await first.changes.announce(ChangeTopic("tokens"))
            #expect(try await heardBySecond.eventually { $0 == ["abc123", nil] })
            #expect(heardByFirst.all.isEmpty)
            #expect(otherTopic.all.isEmpty)

            await second.changes.announce(ChangeTopic("tokens"), detail: "with a space")
            #expect(try await heardByFirst.eventually { $0 == ["with a space"] })
        }
    }

    @Test("a cached value written through one node is dropped on the other at once, not when it ages out", arguments: clusters)
    func cachesFollowOtherNodesWrites(url: DatabaseURL) async throws {
        try await TestDatabases.withNodes(url, count: 2) { nodes async throws in
            let stored = Mutex(1)
            let loads = Mutex(0)
            let load: @Sendable () -> Int = {
                loads.withLock { $0 += 1 }
                return stored.withLock { $0 }
            }
            let onFirst = nodes[0].cache("test", of: ReadThroughCache<String, Int>.self)
            let onSecond = nodes[1].cache("test", of: ReadThroughCache<String, Int>.self)
            #expect(try await onSecond.value(for: "k") { load() } == 1)
            #expect(try await onSecond.value(for: "k") { load() } == 1)
            #expect(loads.withLock { $0 } == 1)

            let written = ContinuousClock.now
            try await onFirst.invalidating { stored.withLock { $0 = 2 } }
            var seen = 1
            while seen == 1, ContinuousClock.now - written < .milliseconds(800) {
                seen = try await onSecond.value(for: "k") { load() }
                try await Task.sleep(for: .milliseconds(5))
            }
            // The second node's copy would be served for a second (Database.cacheMaxAge) without the notice.
            #expect(seen == 2)
            #expect(ContinuousClock.now - written < .milliseconds(800))
        }
    }

    @Test("a node whose listening connection is cut is told anything may have changed, and hears notices again", arguments: clusters)
    func reconnectsAndResets(url: DatabaseURL) async throws {
        try await TestDatabases.withNodes(url, count: 3) { nodes async throws in
            let (first, second, killer) = (nodes[0], nodes[1], nodes[2])
            let heard = Heard()
            second.changes.subscribe(ChangeTopic("tokens")) { heard.record($0) }
            try await killer.withConnection { sql in
                try await sql.raw(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                .run()
            }
            #expect(try await heard.eventually { $0.contains(nil) })
            heard.clear()
            // The first node's pooled connections were cut too: announce until one gets through.
            var delivered = false
            for _ in 0..<50 where !delivered {
                await first.changes.announce(ChangeTopic("tokens"), detail: "after")
                delivered = try await heard.eventually(seconds: 0.1) { $0.contains("after") }
            }
            #expect(delivered)
        }
    }
}
