import Foundation

/// The parent links between regions: a parent must exist and may not lie under the region itself; a region
/// goes with the regions under it, unless endpoints still use one of them.
enum RegionTree {
    /// 404 for a parent that does not exist, 400 for one that would make a cycle.
    static func checkParent(of region: RegionRecord, _ request: IdentityRequest) async throws {
        guard let parent = region.parentRegionId else { return }
        try await request.service.read { directory in
            var current: String? = parent
            var seen: Set<String> = []
            while let id = current, seen.insert(id).inserted {
                if id == region.id {
                    throw IdentityError(400, "The specified parent region \(parent) would create a circular region hierarchy.")
                }
                guard let found = try await directory.regions.find(id) else { throw IdentityError.notFound("region", id) }
                current = found.parentRegionId
            }
        }
    }

    /// Soft-deletes every region under `region` (which the caller deletes); 403 when any of them, or
    /// `region`, still has endpoints.
    static func deleteDescendants(of region: RegionRecord, _ directory: Directory, at now: Date) async throws {
        let all = try await directory.regions.list()
        var subtree = [region.id]
        var frontier = [region.id]
        while let id = frontier.popLast() {
            for child in all where child.parentRegionId == id && !subtree.contains(child.id) {
                subtree.append(child.id)
                frontier.append(child.id)
            }
        }
        let used = Set(try await directory.endpoints.list().map(\.region))
        guard used.isDisjoint(with: subtree) else {
            throw IdentityError(
                403, "Unable to delete region \(region.id) because either the region or one of its child regions has associated endpoints.")
        }
        for id in subtree.dropFirst() { try await directory.regions.delete(equals: id, at: now) }
    }
}
