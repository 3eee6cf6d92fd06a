import Foundation
import NovaKitStorage
import SQLKit

/// The resource columns that mirror each flavor an instance row stores — the current one (`vcpus`,
/// `memory_mb`, `disk_gb`), the one before a resize (`old_…`) and the one a resize goes to (`new_…`) — so
/// quota usage and per-host usage (`ResourceUsage`) add numbers instead of decoding flavor snapshots.
package enum FlavorResources {
    /// Which flavor of the row: `flavor`, `old_flavor` or `new_flavor`.
    package enum Slot: String, Sendable, CaseIterable {
        case current = "", old = "old_", new = "new_"

        /// The flavor snapshot column.
        var flavorColumn: String { self == .current ? "flavor" : "\(rawValue)flavor" }
    }

    static let names = ["vcpus", "memory_mb", "disk_gb"]

    /// The slot's columns: `vcpus`, `memory_mb`, `disk_gb` with its prefix.
    package static func columns(_ slot: Slot) -> [String] { names.map { slot.rawValue + $0 } }

    /// The slot's column values for `resources` (`nil` clears them).
    package static func values(_ slot: Slot, _ resources: Resources?) -> [(String, any Encodable & Sendable)] {
        let numbers: [Int?] = [resources?.vcpus, resources?.memoryMB, resources?.diskGB]
        return zip(columns(slot), numbers).map { ($0, $1) }
    }

    /// Adds the nine columns and fills them from the stored flavor snapshots.
    static let migration = SchemaMigration("compute/003_flavor_resources") { sql, _ in
        for slot in Slot.allCases {
            for column in columns(slot) { try await sql.raw("ALTER TABLE instances ADD COLUMN \(unsafeRaw: column) INTEGER").run() }
        }
        struct Snapshot: Decodable {
            let vcpus: Int
            let ram: Int
            let disk: Int
            let ephemeral: Int
        }
        let rows = try await sql.select().columns("id", "flavor", "old_flavor", "new_flavor").from("instances").all()
        for row in rows {
            var update = sql.update("instances").where("id", .equal, SQLBind(try row.decode(column: "id", as: Int.self)))
            for slot in Slot.allCases {
                let text = try row.decode(column: slot.flavorColumn, as: String?.self)
                let snapshot = text.flatMap { try? JSONDecoder().decode(Snapshot.self, from: Data($0.utf8)) }
                let resources = snapshot.map { Resources(vcpus: $0.vcpus, memoryMB: $0.ram, diskGB: $0.disk + $0.ephemeral) }
                for (column, value) in values(slot, slot == .current ? resources ?? .zero : resources) {
                    update = update.set(SQLColumn(column), to: SQLBind(value))
                }
            }
            try await update.run()
        }
    }
}
