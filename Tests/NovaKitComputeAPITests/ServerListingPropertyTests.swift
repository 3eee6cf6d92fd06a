import Foundation
import NovaKitCompute
import NovaKitCore
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Testing

@testable import NovaKitComputeAPI

/// The servers list runs its filters, order and marker in SQL. Over random server sets and random
/// filter / sort / marker / limit combinations it returns exactly what a plain in-memory reference does:
/// filter every server, sort them all, start after the marker, take `limit`.
@Suite("Server listing in SQL against an in-memory reference")
struct ServerListingPropertyTests {
    @Test("random queries over random servers match the reference", arguments: TestDatabases.engines)
    func matchesReference(url: DatabaseURL) async throws {
        try await TestDatabases.with(url) { (database, _) async throws in
            try await SchemaMigrator(database: database, migrations: ComputeSchema.migrations).sync()
            var random = SeededRandom(seed: 0x5EED_2026)
            let store = ServerStore(database: database, clock: SystemClock())
            try await ServerSet.insert(count: 160, using: &random, into: database)
            let everything = try await ServerSet.readAll(database)
            #expect(everything.count == 160)
            var nonEmpty = 0
            var refused = 0
            for round in 0..<400 {
                let query = QueryGenerator.query(using: &random, servers: everything)
                let expected = Reference.page(everything, query)
                if let expected, expected.count > 1 { nonEmpty += 1 }
                if expected == nil { refused += 1 }
                do {
                    let listed = try await store.list(query)
                    #expect(listed.map(\.id) == expected?.map(\.id), "round \(round): \(QueryGenerator.describe(query))")
                    // The summary page reads only ids and names, unless a regular expression needs whole rows.
                    let summarized = try await store.summaries(query)
                    #expect(summarized.map(\.id) == expected?.map(\.id), "round \(round): \(QueryGenerator.describe(query))")
                    #expect(summarized.map(\.name) == expected?.map(\.name))
                } catch let fault as Fault {
                    #expect(expected == nil && fault.code == 400, "round \(round): \(fault) for \(QueryGenerator.describe(query))")
                }
            }
            // The generator is only worth its rounds if most of them list several servers and some markers are refused.
            #expect(nonEmpty > 150 && refused > 5, "\(nonEmpty) rounds with servers, \(refused) refused")
        }
    }

    @Test("following next markers from the first page visits every matching server once, in order", arguments: TestDatabases.engines)
    func walksAllPages(url: DatabaseURL) async throws {
        try await TestDatabases.with(url) { (database, _) async throws in
            try await SchemaMigrator(database: database, migrations: ComputeSchema.migrations).sync()
            var random = SeededRandom(seed: 42)
            let store = ServerStore(database: database, clock: SystemClock())
            try await ServerSet.insert(count: 120, using: &random, into: database)
            let everything = try await ServerSet.readAll(database)
            for _ in 0..<30 {
                var query = QueryGenerator.query(using: &random, servers: everything)
                query.marker = nil
                query.limit = Int.random(in: 1...9, using: &random)
                let expected = try #require(
                    Reference.page(
                        everything,
                        {
                            var all = query; all.limit = .max; return all
                        }()))
                var walked: [String] = []
                while true {
                    let page = try await store.list(query)
                    walked += page.map(\.id)
                    guard page.count == query.limit, let last = page.last else { break }
                    query.marker = last.id
                }
                #expect(walked == expected.map(\.id), "\(QueryGenerator.describe(query))")
            }
        }
    }
}

/// A small, seeded generator, so a failure replays.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random instance rows with many ties (names, times, hosts repeat), NULLs, tags, deleted rows and names
/// whose byte order differs from a locale's (`B` before `a`).
enum ServerSet {
    static let names = ["alpha", "Beta", "beta", "gamma", "a1", "B2", "web-1", "web-10", "web-2", "zeta"]
    static let base = Date(timeIntervalSince1970: 1_790_000_000)

    /// `faults`: up to two faults for each server (a test that records its own leaves them out).
    static func insert(count: Int, using random: inout SeededRandom, into database: Database, faults withFaults: Bool = true) async throws {
        var rows: [[(String, any Encodable & Sendable)]] = []
        var tags: [(String, String)] = []
        var metadata: [(String, String, String)] = []
        var faults: [(String, Int, String, String?)] = []
        for index in 0..<count {
            let uuid = String(format: "%08x-0000-4000-8000-%012x", Int.random(in: 0..<0xFFFF_FFFF, using: &random), index)
            let vm = VMState.allCases.randomElement(using: &random)!
            let task: TaskState? = Bool.random(using: &random) ? nil : TaskState.allCases.randomElement(using: &random)
            let flavorID = ["1", "2", "10"].randomElement(using: &random)!
            let time = { (random: inout SeededRandom) in base.addingTimeInterval(Double(Int.random(in: 0..<12, using: &random)) * 0.25) }
            let maybe = { (value: String, random: inout SeededRandom) -> String? in Bool.random(using: &random) ? value : nil }
            rows.append([
                ("uuid", uuid), ("display_name", names.randomElement(using: &random)!), ("display_description", maybe("about", &random)),
                ("hostname", maybe(["h-a", "H-b"].randomElement(using: &random)!, &random)),
                ("project_id", ["p1", "p2"].randomElement(using: &random)!),
                ("user_id", ["u1", "u2"].randomElement(using: &random)!),
                ("image_ref", maybe(["img-a", "img-b"].randomElement(using: &random)!, &random)),
                ("flavor", TestInstances.flavor(id: flavorID)), ("vm_state", vm.rawValue), ("task_state", task?.rawValue),
                ("power_state", PowerState.allCases.randomElement(using: &random)!.rawValue), ("previous_vm_state", vm.rawValue),
                ("locked", Bool.random(using: &random)), ("host", maybe(["c1", "c2"].randomElement(using: &random)!, &random)),
                ("key_name", maybe(["k1", "K2"].randomElement(using: &random)!, &random)),
                ("availability_zone", maybe("nova", &random)), ("reservation_id", ["r-1", "r-2"].randomElement(using: &random)!),
                ("launch_index", Int.random(in: 0..<3, using: &random)), ("access_ip_v4", maybe("10.0.0.\(index % 7)", &random)),
                ("access_ip_v6", ""), ("network_info", "private\t10.0.0.\(index)\tfa:16:3e:00:00:\(String(format: "%02x", index % 256))"),
                ("created_at", time(&random)), ("updated_at", Bool.random(using: &random) ? time(&random) : nil),
                ("launched_at", Bool.random(using: &random) ? time(&random) : nil), ("terminated_at", nil as Date?),
                ("deleted", 0),
            ])
            for tag in ["c", "a", "b"] where Int.random(in: 0..<3, using: &random) == 0 { tags.append((uuid, tag)) }
            for key in ["role", "zone \"q\"", "ü"] where Int.random(in: 0..<3, using: &random) == 0 {
                metadata.append((uuid, key, "\(key)=\(index)\t/"))
            }
            for attempt in 0..<Int.random(in: 0..<3, using: &random) where withFaults {
                faults.append((uuid, attempt == 0 ? 500 : 400, "attempt \(attempt) \"failed\"", attempt == 0 ? nil : "trace\n\(index)"))
            }
        }
        let deleted = rows.indices.filter { _ in Int.random(in: 0..<5, using: &random) == 0 }.map { rows[$0][0].1 as! String }
        try await database.withConnection { [rows, tags, metadata, faults] sql in
            for row in rows {
                try await sql.insert(into: "instances").columns(row.map(\.0)).values(row.map { SQLBind($0.1) as any SQLExpression }).run()
            }
            for (uuid, tag) in tags {
                try await sql.insert(into: "instance_tags").columns("instance_uuid", "tag", "created_at", "deleted")
                    .values(SQLBind(uuid), SQLBind(tag), SQLBind(base), SQLBind(0)).run()
            }
            for (uuid, key, value) in metadata {
                try await sql.insert(into: "instance_metadata").columns("instance_uuid", "key", "value", "created_at", "deleted")
                    .values(SQLBind(uuid), SQLBind(key), SQLBind(value), SQLBind(base), SQLBind(0)).run()
            }
            for (uuid, code, message, details) in faults {
                try await sql.insert(into: "instance_faults").columns("instance_uuid", "code", "message", "details", "created_at", "deleted")
                    .values(SQLBind(uuid), SQLBind(code), SQLBind(message), SQLBind(details), SQLBind(base), SQLBind(0)).run()
            }
            for uuid in deleted { _ = try await sql.softDelete(from: "instances", matching: [("uuid", uuid)], at: base) }
        }
    }

    /// Every row, live or deleted, decoded as the API does — its own column reader, checked here against
    /// decoding the same rows through `Codable` (SQLKit's row decoder).
    static func readAll(_ database: Database) async throws -> [Server] {
        let rows = try await database.withConnection { sql in
            let direct = try await InstanceRow.select(on: sql, readDeleted: .yes).orderBy("id").all(InstanceRow.self)
            let throughCodable = try await InstanceRow.select(on: sql, readDeleted: .yes).orderBy("id").all()
                .map { try $0.decode(model: InstanceRow.self) }
            #expect(direct == throughCodable)
            return direct.map(Server.init)
        }
        let detailed = try await ServerStore(database: database, clock: SystemClock()).withDetails(rows)
        // Each server's metadata, tags (in tag order) and latest fault, read here column by column through SQLKit's
        // decoding; a fault is shown only in ERROR and DELETED.
        let (metadata, tags, faults) = try await database.withConnection { sql in
            var metadata: [String: [String: String]] = [:]
            var tags: [String: [String]] = [:]
            var faults: [String: InstanceFault] = [:]
            for row in try await sql.raw("SELECT instance_uuid, code, message, details, created_at FROM instance_faults ORDER BY id").all() {
                faults[try row.decode(column: "instance_uuid", as: String.self)] = InstanceFault(
                    code: try row.decode(column: "code", as: Int.self), message: try row.decode(column: "message", as: String.self),
                    details: try row.decode(column: "details", as: String?.self), created: try row.decode(column: "created_at", as: Date.self))
            }
            for row in try await sql.raw("SELECT instance_uuid, \"key\", \"value\" FROM instance_metadata WHERE deleted = 0").all() {
                metadata[try row.decode(column: "instance_uuid", as: String.self), default: [:]][try row.decode(column: "key", as: String.self)] =
                    try row.decode(column: "value", as: String.self)
            }
            for row in try await sql.raw("SELECT instance_uuid, tag FROM instance_tags WHERE deleted = 0").all() {
                tags[try row.decode(column: "instance_uuid", as: String.self), default: []].append(try row.decode(column: "tag", as: String.self))
            }
            return (metadata, tags, faults)
        }
        #expect(!metadata.isEmpty && !tags.isEmpty && detailed.contains { $0.fault != nil } && detailed.contains { $0.fault?.details != nil })
        #expect(
            detailed.map(\.fault) == detailed.map { Server.showsFault(deleted: $0.deleted, state: $0.state) ? faults[$0.id] : nil })
        #expect(detailed.map(\.metadata) == detailed.map { metadata[$0.id] ?? [:] })
        #expect(detailed.map(\.tags) == detailed.map { (tags[$0.id] ?? []).sorted() })
        // A page with no server that shows a fault reads metadata and tags alone (the statement then has no
        // faults branch, and PostgreSQL types its columns from the metadata's).
        let quiet = try await ServerStore(database: database, clock: SystemClock())
            .withDetails(rows.filter { !Server.showsFault(deleted: $0.deleted, state: $0.state) })
        #expect(quiet.count > 20 && quiet.allSatisfy { $0.fault == nil })
        #expect(quiet.map(\.metadata) == quiet.map { metadata[$0.id] ?? [:] })
        #expect(quiet.map(\.tags) == quiet.map { (tags[$0.id] ?? []).sorted() })
        return detailed
    }
}

/// Random list queries: every filter the store knows, with values that exist and ones that do not.
enum QueryGenerator {
    static func query(using random: inout SeededRandom, servers: [Server]) -> ServerQuery {
        var query = ServerQuery()
        let chance = { (random: inout SeededRandom) in Int.random(in: 0..<10, using: &random) == 0 }
        query.project = [nil, "p1", "p2", "p1"].randomElement(using: &random)!
        query.deleted = [.no, .no, .yes, .only].randomElement(using: &random)!
        if chance(&random) { query.changesSince = ServerSet.base.addingTimeInterval(Double(Int.random(in: 0..<12, using: &random)) * 0.25) }
        if chance(&random) { query.changesBefore = ServerSet.base.addingTimeInterval(Double(Int.random(in: 0..<12, using: &random)) * 0.25) }
        if chance(&random) { query.namePattern = ["^a", "eta", "web-1", "^B", "[0-9]$"].randomElement(using: &random)! }
        if chance(&random) { query.ipPattern = ["10\\.0\\.0\\.1", "\\.2$", "^10\\."].randomElement(using: &random)! }
        if chance(&random) {
            query.statuses = Set((0..<Int.random(in: 1...3, using: &random)).map { _ in ServerListing.statuses.randomElement(using: &random)! })
        }
        if chance(&random) { query.flavor = ["1", "2", "10", "42"].randomElement(using: &random)! }
        if chance(&random) { query.image = ["img-a", "img-b", ""].randomElement(using: &random)! }
        if chance(&random) { query.host = ["c1", "c2", "c3"].randomElement(using: &random)! }
        if chance(&random) { query.reservationID = ["r-1", "r-2"].randomElement(using: &random)! }
        if chance(&random) { query.keyName = ["k1", "K2"].randomElement(using: &random)! }
        if chance(&random) { query.userID = ["u1", "u2"].randomElement(using: &random)! }
        if chance(&random) { query.locked = Bool.random(using: &random) }
        let tagSet = { (random: inout SeededRandom) -> Set<String> in Set(["a", "b", "c", "d"].filter { _ in Bool.random(using: &random) }) }
        if chance(&random) { query.tags.all = tagSet(&random) }
        if chance(&random) { query.tags.any = tagSet(&random) }
        if chance(&random) { query.tags.notAll = tagSet(&random) }
        if chance(&random) { query.tags.notAny = tagSet(&random) }
        let keys = ServerSortKey.all.values.sorted { $0.name < $1.name }
        let sortCount = Int.random(in: 0...3, using: &random)
        if sortCount > 0 {
            query.order = (0..<sortCount).map { _ in
                ServerQuery.Order(key: keys.randomElement(using: &random)!, descending: Bool.random(using: &random))
            }
        }
        query.limit = [1, 2, 5, 10, 1000].randomElement(using: &random)!
        switch Int.random(in: 0..<12, using: &random) {
        case 0: query.marker = "no-such-server"
        case 1: query.marker = servers.randomElement(using: &random)!.id  // perhaps another project's, or deleted
        case 2...5: query.marker = servers.filter { Reference.inScope($0, query) }.randomElement(using: &random)?.id
        default: break
        }
        return query
    }

    static func describe(_ query: ServerQuery) -> String {
        "project=\(query.project ?? "*") deleted=\(query.deleted) since=\(String(describing: query.changesSince)) "
            + "before=\(String(describing: query.changesBefore)) name=\(query.namePattern ?? "-") ip=\(query.ipPattern ?? "-") "
            + "status=\(query.statuses?.sorted() ?? []) flavor=\(query.flavor ?? "-") image=\(query.image ?? "-") host=\(query.host ?? "-") "
            + "key=\(query.keyName ?? "-") user=\(query.userID ?? "-") locked=\(String(describing: query.locked)) tags=\(query.tags) "
            + "order=\(query.order.map { "\($0.key.name) \($0.descending ? "desc" : "asc")" }) limit=\(query.limit) marker=\(query.marker ?? "-")"
    }
}

/// The obvious implementation, over every server in memory. `nil` when the marker is not one the list may
/// start after (the API answers 400).
enum Reference {
    enum Value: Comparable {
        case text(String)
        case number(Double)
    }

    static func value(_ server: Server, _ key: String) -> Value {
        let time = { (date: Date?) in Value.number(date?.timeIntervalSince1970 ?? -.infinity) }
        return switch key {
        case "created_at": time(server.createdAt)
        case "updated_at": time(server.updatedAt ?? server.createdAt)
        case "launched_at": time(server.launchedAt)
        case "terminated_at": time(server.terminatedAt)
        case "display_name": .text(server.name)
        case "uuid": .text(server.id)
        case "vm_state": .text(server.state.vm.rawValue)
        case "task_state": .text(server.state.task?.rawValue ?? "")
        case "power_state": .number(Double(server.state.power.rawValue))
        case "host", "node": .text(server.host ?? "")
        case "project_id": .text(server.projectID)
        case "user_id": .text(server.userID)
        case "key_name": .text(server.keyName ?? "")
        case "locked": .number(server.locked ? 1 : 0)
        case "hostname": .text(server.hostname ?? "")
        case "image_ref": .text(server.imageRef ?? "")
        case "availability_zone": .text(server.availabilityZone ?? "")
        case "display_description": .text(server.description ?? "")
        case "instance_type_id": .text(server.flavor.id)
        case "access_ip_v4": .text(server.accessIPv4)
        case "access_ip_v6": .text(server.accessIPv6)
        case "launch_index": .number(Double(server.launchIndex))
        default: .text("")
        }
    }

    static func matches(_ server: Server, _ query: ServerQuery) -> Bool {
        let found = { (pattern: String, text: String) in
            (try! NSRegularExpression(pattern: pattern)).firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        let changed = server.updatedAt ?? server.createdAt
        if let since = query.changesSince, changed < since { return false }
        if let before = query.changesBefore, changed > before { return false }
        if let name = query.namePattern, !found(name, server.name) { return false }
        if let ip = query.ipPattern, !server.addresses.contains(where: { found(ip, $0.address) }) { return false }
        if let statuses = query.statuses, !statuses.contains(server.status) { return false }
        if let flavor = query.flavor, server.flavor.id != flavor { return false }
        if let image = query.image, (server.imageRef ?? "") != image { return false }
        if let host = query.host, server.host != host { return false }
        if let reservation = query.reservationID, server.reservationID != reservation { return false }
        if let key = query.keyName, server.keyName != key { return false }
        if let user = query.userID, server.userID != user { return false }
        if let locked = query.locked, server.locked != locked { return false }
        let tags = Set(server.tags)
        if let all = query.tags.all, !all.isSubset(of: tags) { return false }
        if let any = query.tags.any, any.isDisjoint(with: tags) { return false }
        if let notAll = query.tags.notAll, notAll.isSubset(of: tags) { return false }
        if let notAny = query.tags.notAny, !notAny.isDisjoint(with: tags) { return false }
        return true
    }

    static func inScope(_ server: Server, _ query: ServerQuery, forMarker: Bool = false) -> Bool {
        if let project = query.project, server.projectID != project { return false }
        switch query.deleted {
        case .no: return !server.deleted
        case .only: return forMarker || server.deleted
        case .yes: return true
        }
    }

    static func precedes(_ lhs: Server, _ rhs: Server, _ query: ServerQuery) -> Bool {
        for order in query.order {
            let (left, right) = (value(lhs, order.key.name), value(rhs, order.key.name))
            if left != right { return order.descending ? left > right : left < right }
        }
        return query.tieBreakDescending ? lhs.rowID > rhs.rowID : lhs.rowID < rhs.rowID
    }

    static func page(_ servers: [Server], _ query: ServerQuery) -> [Server]? {
        var listed = servers.filter { inScope($0, query) && matches($0, query) }.sorted { precedes($0, $1, query) }
        if let marker = query.marker {
            guard let start = servers.filter({ $0.id == marker && inScope($0, query, forMarker: true) }).max(by: { $0.rowID < $1.rowID }) else {
                return nil
            }
            listed.removeAll { !precedes(start, $0, query) }
        }
        return Array(listed.prefix(query.limit))
    }
}
