public import Foundation
import NovaKitStorage

/// Recently validated tokens by hash, so the compute API does not hit the database per request.
/// Entries live at most `lifetime`; the identity API drops them on revocation and on any change
/// to users, projects or role assignments, and tells the other nodes on the database to do the same
/// (`topic`: one token's hash, or every token), so no node serves a stale answer.
public actor TokenCache {
    /// The change feed's topic of validated tokens: a notice's detail is one revoked token's hash; none, all tokens.
    static let topic = ChangeTopic("tokens")

    private var entries: [String: (info: TokenInfo, until: Date)] = [:]
    private let lifetime: TimeInterval

    public init(lifetime: TimeInterval = 30) {
        self.lifetime = lifetime
    }

    func lookup(_ hash: String, now: Date) -> TokenInfo? {
        guard let entry = entries[hash] else { return nil }
        guard entry.until > now else {
            entries[hash] = nil
            return nil
        }
        return entry.info
    }

    func store(_ info: TokenInfo, hash: String, now: Date) {
        if entries.count > 10_000 { entries.removeAll() }
        entries[hash] = (info, min(info.expiresAt, now.addingTimeInterval(lifetime)))
    }

    func remove(_ hash: String) { entries[hash] = nil }

    func removeAll() { entries.removeAll() }

    /// Drops what a change notice names: one token by hash, or (nil) every token.
    func drop(_ hash: String?) {
        if let hash { remove(hash) } else { removeAll() }
    }
}
