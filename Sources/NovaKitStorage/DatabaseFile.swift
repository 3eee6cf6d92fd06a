import Glibc

/// An embedded database's file, identified by device and inode when it was opened: open connections keep
/// working on a file that was deleted, moved or replaced, but nothing written to it survives a restart, so
/// a health probe must notice.
struct DatabaseFile: Sendable {
    let path: String
    private let identity: (device: UInt, inode: UInt)?

    init(path: String) {
        self.path = path
        self.identity = Self.identity(of: path)
    }

    /// Why the file can no longer be used, or `nil` when it is the one opened and this process may read and
    /// write it.
    var problem: String? {
        guard let current = Self.identity(of: path) else { return "database file \(path) is missing" }
        if let identity, identity != current { return "database file \(path) was replaced" }
        guard access(path, R_OK | W_OK) == 0 else { return "database file \(path) is not readable and writable" }
        return nil
    }

    private static func identity(of path: String) -> (device: UInt, inode: UInt)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt(info.st_dev), UInt(info.st_ino))
    }
}
