import Foundation
import Logging
import NovaKitCore
import NovaKitHTTP
import NovaKitNetwork
import NovaKitStorage
import Testing

/// Network lists run their filters, order and keyset paging in SQL; following `marker` pages over random
/// networks with random filters and sort keys visits exactly what a plain in-memory sort and filter gives.
@Suite("Network listing in SQL against an in-memory reference")
struct NetworkListingTests {
    @Test("pages of random queries match the reference, for a member and for an admin", arguments: [3, 11])
    func listing(seed: UInt64) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let database = try await Database.open(.sqliteMemory, logger: logger)
        do {
            try await SchemaMigrator(database: database, migrations: NetworkSchema.migrations).sync()
            let (clock, ids) = (SystemClock(), RandomIDGenerator())
            let store = NetworkStore(database: database, clock: clock, ids: ids)
            var random = SeededGenerator(seed: seed)
            var rows: [NetworkRow] = []
            for index in 0..<40 {
                let row = NetworkRow(
                    id: index + 1, uuid: ids.uuid(), projectID: ["p1", "p2"].randomElement(using: &random)!,
                    name: ["alpha", "beta", "gamma", "delta"].randomElement(using: &random)!, description: "",
                    adminStateUp: Bool.random(using: &random),
                    shared: Int.random(in: 0..<4, using: &random) == 0, external: false, mtu: [1450, 1500].randomElement(using: &random)!,
                    createdAt: clock.now(), updatedAt: nil, deleted: 0)
                _ = try await store.create(row)
                rows.append(row)
            }
            for _ in 0..<30 {
                let admin = Bool.random(using: &random)
                let auth = AuthContext(userID: "u", projectID: "p1", roles: admin ? ["admin"] : ["member"], isAdmin: admin)
                var parameters: [(String, String)] = []
                if Bool.random(using: &random) { parameters.append(("name", ["alpha", "beta", "gamma", "delta"].randomElement(using: &random)!)) }
                if Bool.random(using: &random) { parameters.append(("shared", Bool.random(using: &random) ? "true" : "False")) }
                if Bool.random(using: &random) { parameters.append(("mtu", "1450")) }
                let key = ["name", "mtu", "admin_state_up", "id"].randomElement(using: &random)!
                let ascending = Bool.random(using: &random)
                parameters += [("sort_key", key), ("sort_dir", ascending ? "asc" : "desc")]
                let limit = Int.random(in: 1...7, using: &random)

                let visible = rows.filter { admin || $0.projectID == "p1" || $0.shared }
                let expected = visible.filter { row in
                    parameters.allSatisfy { name, value in
                        switch name {
                        case "name": row.name == value
                        case "shared": row.shared == (value.lowercased() == "true")
                        case "mtu": row.mtu == Int(value)
                        default: true
                        }
                    }
                }
                .sorted { left, right in
                    let (a, b) = (Self.sortValue(left, key), Self.sortValue(right, key))
                    if a != b { return ascending ? a < b : a > b }
                    return ascending ? left.id! < right.id! : left.id! > right.id!
                }
                .map(\.uuid)

                var seen: [String] = []
                var marker: String?
                repeat {
                    var page = parameters + [("limit", String(limit))]
                    if let marker { page.append(("marker", marker)) }
                    let found = try await store.list(try NeutronQuery(page), auth).map(\.row.uuid)
                    #expect(found.count <= limit)
                    seen += found
                    marker = found.count == limit ? found.last : nil
                } while marker != nil && seen.count <= rows.count
                #expect(seen == expected, "\(parameters) limit \(limit) admin \(admin)")
            }
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }

    /// A sort key's value as text that orders as the column does.
    static func sortValue(_ row: NetworkRow, _ key: String) -> String {
        switch key {
        case "name": row.name
        case "mtu": String(row.mtu)
        case "admin_state_up": row.adminStateUp ? "1" : "0"
        default: row.uuid
        }
    }
}
