import Logging

/// How `serve` writes its log on standard error.
public enum LogFormat: String, Sendable, CaseIterable {
    /// swift-log's stream format: timestamp, level, label, metadata, message.
    case text
    /// One JSON object per line (`JSONLogHandler`), for log shippers.
    case json

    /// Installs this format as the process's logging backend, at `level`.
    func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                switch self {
                case .text: StreamLogHandler.standardError(label: label)
                case .json: JSONLogHandler(label: label)
                }
            handler.logLevel = level
            return handler
        }
    }
}
