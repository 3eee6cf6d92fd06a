import Foundation
import Logging
import NovaKitCore
import Synchronization

/// A swift-log backend writing one JSON object per line on standard error: `time`, `level`, `logger`,
/// `message` and every metadata key at the top level (`request_id`, `project`, `user`, `route`, `status`,
/// `duration_ms` in the access log), so a log shipper needs no parsing rules.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider

    init(label: String) { self.label = label }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [String: JSON] = [:]
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let own = event.metadata { merged.merge(own) { $1 } }
        for (key, value) in merged { fields[key] = Self.json(value) }
        fields["time"] = .string(Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        fields["level"] = .string(event.level.rawValue)
        fields["logger"] = .string(label)
        fields["message"] = .string(event.message.description)
        var line = JSON.object(fields).encoded()
        line.append(UInt8(ascii: "\n"))
        Self.output.withLock { _ in FileHandle.standardError.write(line) }
    }

    /// One writer at a time, so lines from concurrent requests never interleave.
    private static let output = Mutex(())

    private static func json(_ value: Logger.Metadata.Value) -> JSON {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible):
            if let number = convertible as? any BinaryInteger, let int = Int(exactly: number) { .int(int) } else { .string(convertible.description) }
        case .array(let values): .array(values.map(json))
        case .dictionary(let members): .object(members.mapValues(json))
        }
    }
}
