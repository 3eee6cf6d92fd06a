import Foundation
import Yams

/// Where a setting's value came from, for errors that name it: a `NOVAKIT_*` variable, the YAML file, or
/// its flag (flags are checked by the argument parser before this).
struct SettingSources: Sendable {
    let environment: [String: String]
    let file: String?

    func origin(of setting: Setting<some Sendable>) -> String {
        if environment[setting.environmentVariable] != nil { return "environment variable \(setting.environmentVariable)" }
        if let file { return "setting '\(setting.key)' in \(file)" }
        return "--\(setting.flag)"
    }
}

/// The keys of a YAML configuration file, checked against the settings NovaKit knows: a misspelt key is an
/// error, not a setting silently ignored.
enum ConfigFileKeys {
    static func check(_ path: String) throws {
        // An unreadable or malformed file is reported by the configuration reader itself.
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let root = (try? Yams.load(yaml: text)) as? [String: Any]
        else { return }
        let known = Set(Settings.all.map(\.key))
        let unknown = keys(of: root, under: "", known: known).sorted()
        guard unknown.isEmpty else {
            let names = unknown.map { "'\($0)'" }.joined(separator: ", ")
            throw NovaKitConfiguration.Invalid(
                description:
                    "unknown setting\(unknown.count == 1 ? "" : "s") \(names) in \(path); known settings: \(known.sorted().joined(separator: ", "))")
        }
    }

    /// The dotted paths in `node` that name no setting (a mapping is walked into where settings live under it).
    private static func keys(of node: [String: Any], under prefix: String, known: Set<String>) -> [String] {
        node.flatMap { key, value -> [String] in
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            if known.contains(path) { return [] }
            if let nested = value as? [String: Any], known.contains(where: { $0.hasPrefix(path + ".") }) {
                return keys(of: nested, under: path, known: known)
            }
            return [path]
        }
    }
}
