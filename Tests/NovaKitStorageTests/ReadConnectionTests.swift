import Foundation
import Logging
import NovaKitStorage
import SQLKit
import Synchronization
import Testing

/// A SQLite file database reads on read-only connections beside its single writer: a read does not wait
/// for a write transaction in progress, sees only what is committed, and cannot write.
@Suite("SQLite read connections")
struct ReadConnectionTests {
    @Test("reads run while a write transaction holds the writer and see committed rows only")
    func readsBesideTheWriter() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nk-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try await Database.open(
            .sqliteFile(path: directory.appendingPathComponent("read.sqlite").path), logger: Logger(label: "test"), connections: 2)
        try await database.withConnection { sql in
            try await sql.raw("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT)").run()
            try await sql.raw("INSERT INTO things (name) VALUES ('committed')").run()
        }
        let count = { @Sendable in
            try await database.read { sql in try await sql.raw("SELECT COUNT(*) AS n FROM things").first()!.decode(column: "n", as: Int.self) }
        }

        let inserted = Mutex(false)
        let release = AsyncStream<Void>.makeStream()
        let writer = Task {
            try await database.transaction { sql in
                try await sql.raw("INSERT INTO things (name) VALUES ('pending')").run()
                inserted.withLock { $0 = true }
                for await _ in release.stream { break }
            }
        }
        while !inserted.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(1)) }
        // The writer is held by an open transaction; these reads complete anyway, without its row.
        for _ in 0..<5 { #expect(try await count() == 1) }
        release.continuation.yield()
        try await writer.value
        #expect(try await count() == 2)

        await #expect(throws: (any Error).self) {
            try await database.read { sql in try await sql.raw("INSERT INTO things (name) VALUES ('sneaky')").run() }
        }
        #expect(try await count() == 2)
        await database.close()
    }
}
