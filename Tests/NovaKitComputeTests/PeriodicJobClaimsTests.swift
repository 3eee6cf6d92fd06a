import Foundation
import NovaKitCompute
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Testing

@Suite("Periodic job claims")
struct PeriodicJobClaimsTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a job's run is claimed once when due, then not again until its period has passed", arguments: TestDatabases.engines)
    func claimsOncePerPeriod(url: DatabaseURL) async throws {
        try await TestDatabases.with(url) { database, _ in
            try await SchemaMigrator(database: database, migrations: ComputeSchema.migrations).sync()
            let claims = PeriodicJobClaims(database: database, node: "a")
            #expect(try await claims.claim("reclaim", every: 10, now: Self.start))
            #expect(try await !claims.claim("reclaim", every: 10, now: Self.start))
            #expect(try await !claims.claim("reclaim", every: 10, now: Self.start.addingTimeInterval(9.5)))
            // Jobs are apart: another job's first run is due at once.
            #expect(try await claims.claim("other", every: 10, now: Self.start.addingTimeInterval(9.5)))
            #expect(try await claims.claim("reclaim", every: 10, now: Self.start.addingTimeInterval(10)))
            #expect(try await !claims.claim("reclaim", every: 10, now: Self.start.addingTimeInterval(19)))
            let rows = try await database.read { sql in
                try await sql.select().columns("name", "claimed_by").from("periodic_jobs").where("deleted", .equal, 0).all()
            }
            #expect(rows.count == 2)
        }
    }

    @Test("nodes claiming the same due run at once: exactly one wins, each period", arguments: TestDatabases.engines)
    func oneNodeWinsEachRun(url: DatabaseURL) async throws {
        try await TestDatabases.withNodes(url, count: 3) { nodes async throws in
            try await SchemaMigrator(database: nodes[0], migrations: ComputeSchema.migrations).sync()
            // On PostgreSQL three handles stand for three nodes; on in-memory SQLite, one node's concurrent ticks.
            let claimers = (0..<12).map { PeriodicJobClaims(database: nodes[$0 % nodes.count], node: "node-\($0)") }
            for period in 0..<5 {
                let now = Self.start.addingTimeInterval(Double(period) * 60)
                let won = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for claimer in claimers { group.addTask { try await claimer.claim("reclaim", every: 60, now: now) } }
                    return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                #expect(won == 1, "period \(period)")
            }
        }
    }
}
