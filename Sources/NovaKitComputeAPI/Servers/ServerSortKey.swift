import Foundation
import NovaKitCompute
import NovaKitCore
import NovaKitStorage

/// A `sort_key` Nova accepts for servers, as the SQL expression the list query orders by. Nullable columns
/// order as if empty (text) or as the earliest time (timestamps), so keyset paging never compares a NULL.
struct ServerSortKey: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// Text compared byte-wise (`COLLATE "C"` on PostgreSQL).
        case text(String)
        /// A number, a boolean or a timestamp that is never NULL.
        case ordered(String)
        /// A timestamp column that may be NULL: sorts before every time.
        case nullableTime(String)
        /// The flavor id inside the instance's flavor snapshot.
        case flavorID
        /// A key Nova accepts that NovaKit stores no value for: every server ties.
        case constant
    }

    let name: String
    let kind: Kind

    /// The key's SQL for `engine`; `nil` for a constant key, which orders nothing.
    func expression(for engine: DatabaseKind) -> String? {
        switch (kind, engine) {
        case (.text(let column), .sqlite): column
        case (.text(let column), .postgres): "\(column) COLLATE \"C\""
        case (.ordered(let column), _): column
        case (.nullableTime(let column), .sqlite): "COALESCE(\(column), -1e300)"
        case (.nullableTime(let column), .postgres): "COALESCE(\(column), '-infinity'::timestamptz)"
        case (.flavorID, .sqlite): "COALESCE(json_extract(flavor, '$.id'), '')"
        case (.flavorID, .postgres): "COALESCE(flavor::jsonb ->> 'id', '')"
        case (.constant, _): nil
        }
    }

    /// Every key Nova's list schema allows, by name.
    static let all: [String: ServerSortKey] = Dictionary(
        uniqueKeysWithValues: [
            ServerSortKey(name: "created_at", kind: .ordered("created_at")),
            ServerSortKey(name: "updated_at", kind: .ordered("COALESCE(updated_at, created_at)")),
            ServerSortKey(name: "launched_at", kind: .nullableTime("launched_at")),
            ServerSortKey(name: "terminated_at", kind: .nullableTime("terminated_at")),
            ServerSortKey(name: "display_name", kind: .text("display_name")),
            ServerSortKey(name: "uuid", kind: .text("uuid")),
            ServerSortKey(name: "vm_state", kind: .text("vm_state")),
            ServerSortKey(name: "task_state", kind: .text("COALESCE(task_state, '')")),
            ServerSortKey(name: "power_state", kind: .ordered("power_state")),
            ServerSortKey(name: "host", kind: .text("COALESCE(host, '')")),
            ServerSortKey(name: "node", kind: .text("COALESCE(host, '')")),
            ServerSortKey(name: "project_id", kind: .text("project_id")),
            ServerSortKey(name: "user_id", kind: .text("user_id")),
            ServerSortKey(name: "key_name", kind: .text("COALESCE(key_name, '')")),
            ServerSortKey(name: "locked", kind: .ordered("locked")),
            ServerSortKey(name: "hostname", kind: .text("COALESCE(hostname, '')")),
            ServerSortKey(name: "image_ref", kind: .text("COALESCE(image_ref, '')")),
            ServerSortKey(name: "availability_zone", kind: .text("COALESCE(availability_zone, '')")),
            ServerSortKey(name: "display_description", kind: .text("COALESCE(display_description, '')")),
            ServerSortKey(name: "instance_type_id", kind: .flavorID),
            ServerSortKey(name: "access_ip_v4", kind: .text("COALESCE(access_ip_v4, '')")),
            ServerSortKey(name: "access_ip_v6", kind: .text("COALESCE(access_ip_v6, '')")),
            ServerSortKey(name: "launch_index", kind: .ordered("COALESCE(launch_index, 0)")),
            ServerSortKey(name: "config_drive", kind: .constant), ServerSortKey(name: "kernel_id", kind: .constant),
            ServerSortKey(name: "ramdisk_id", kind: .constant), ServerSortKey(name: "root_device_name", kind: .constant),
            ServerSortKey(name: "progress", kind: .constant),
        ].map { ($0.name, $0) })

    static let createdAt = all["created_at"]!
}
