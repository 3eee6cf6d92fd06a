/// Storage failures that an operator must act on; all are reported at boot or by `db` commands.
public enum DatabaseError: Error, Sendable, Equatable, CustomStringConvertible {
    case badURL(String)
    case downgradeRefused(current: Int, requested: Int)
    case unknownVersion(requested: Int, newest: Int)
    case outOfDate(current: Int, newest: Int)
    case unknownMigration(String)

    public var description: String {
        switch self {
        case .badURL(let url):
            "invalid database URL '\(url)': use sqlite:///path/file.sqlite, sqlite::memory: or postgres://user:password@host:port/db"
        case .downgradeRefused(let current, let requested):
            "database is at version \(current); downgrading to \(requested) is not supported"
        case .unknownVersion(let requested, let newest):
            "version \(requested) does not exist: the newest migration is \(newest)"
        case .outOfDate(let current, let newest):
            "database schema is at version \(current) but this NovaKit needs \(newest): run `novakit db sync` first"
        case .unknownMigration(let id):
            "the database has migration '\(id)' which this NovaKit does not know: it was migrated by a newer or different build"
        }
    }
}
