import NovaKitCore
import NovaKitHTTP

/// One page of a Glance list: the items after `marker` (400 when no item has it), at most `limit` of them, and
/// the link to the next page when more follow. The items come already filtered and ordered; `key` is what a
/// marker names.
struct ListPage<Item> {
    let items: [Item]
    /// `<base>?limit=<n>&marker=<last key>`, or `nil` on the last page.
    let next: String?

    init(_ all: [Item], _ query: [String: String], base: String, key: KeyPath<Item, String>) throws {
        var items = all
        if let marker = query["marker"] {
            guard let index = items.firstIndex(where: { $0[keyPath: key] == marker }) else { throw Fault.badRequest("marker [\(marker)] not found") }
            items = Array(items[(index + 1)...])
        }
        guard let text = query["limit"] else {
            self.items = items
            self.next = nil
            return
        }
        guard let limit = Int(text), limit >= 0 else { throw Fault.badRequest("limit param must be an integer") }
        self.next = items.count > limit ? items.prefix(limit).last.map { "\(base)?limit=\(limit)&marker=\($0[keyPath: key])" } : nil
        self.items = Array(items.prefix(limit))
    }
}
