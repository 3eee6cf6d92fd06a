import Crypto
public import Foundation
import NovaKitCore

/// Uploaded image data, one file per image in a directory (by default beside the database), written through
/// a temporary file so a failed upload leaves nothing behind; the checksums Glance reports are computed
/// while the data streams in.
public struct ImageDataStore: Sendable {
    public let directory: URL

    public init(directory: String) {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
    }

    /// What an upload produced: the size, Glance's `checksum` (MD5) and `os_hash_value` (SHA-512), hex.
    public struct Written: Sendable, Equatable {
        public let size: Int
        public let checksum: String
        public let osHashValue: String
    }

    func file(_ id: String) -> URL { directory.appendingPathComponent(id.filter { $0.isHexDigit || $0 == "-" }) }

    /// Streams `chunks` into the image's file, replacing any earlier data.
    public func write<Chunks: AsyncSequence>(_ id: String, chunks: Chunks) async throws -> Written where Chunks.Element == [UInt8] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".upload-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        var md5 = Insecure.MD5()
        var sha512 = SHA512()
        var size = 0
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            for try await chunk in chunks {
                md5.update(data: chunk)
                sha512.update(data: chunk)
                size += chunk.count
                try handle.write(contentsOf: chunk)
            }
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        let target = file(id)
        _ = try? FileManager.default.removeItem(at: target)
        try FileManager.default.moveItem(at: temporary, to: target)
        return Written(size: size, checksum: Hex.string(md5.finalize()), osHashValue: Hex.string(sha512.finalize()))
    }

    /// The image's data, or `nil` when none was uploaded.
    public func read(_ id: String) throws -> Data? {
        let url = file(id)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try Data(contentsOf: url)
    }

    /// Removes the image's data, if any.
    public func delete(_ id: String) {
        try? FileManager.default.removeItem(at: file(id))
    }
}
