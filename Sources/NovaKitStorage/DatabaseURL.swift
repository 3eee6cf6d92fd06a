import Foundation

/// Where the data lives: an embedded SQLite file (or memory) or a PostgreSQL server.
public enum DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    case sqliteFile(path: String)
    case sqliteMemory
    case postgres(url: String)

    /// The default: `novakit.sqlite` in the working directory.
    public static let `default` = DatabaseURL.sqliteFile(path: "novakit.sqlite")

    /// Parses `sqlite:///abs/path`, `sqlite://relative/path`, `sqlite::memory:` or `postgres://…`.
    public init(parsing text: String) throws(DatabaseError) {
        if text == "sqlite::memory:" || text == "sqlite://:memory:" {
            self = .sqliteMemory
        } else if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw DatabaseError.badURL(text) }
            self = .sqliteFile(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else {
            throw DatabaseError.badURL(text)
        }
    }

    /// Whether this is the embedded engine.
    public var isEmbedded: Bool {
        if case .postgres = self { return false }
        return true
    }

    /// The URL with any password hidden, for logs.
    public var description: String {
        switch self {
        case .sqliteFile(let path): return "sqlite://\(path)"
        case .sqliteMemory: return "sqlite::memory:"
        case .postgres(let url):
            guard let at = url.lastIndex(of: "@"), let schemeEnd = url.range(of: "://") else { return url }
            let credentials = url[schemeEnd.upperBound..<at]
            guard let colon = credentials.firstIndex(of: ":") else { return url }
            return url[..<schemeEnd.upperBound] + credentials[..<colon] + ":***" + url[at...]
        }
    }
}
