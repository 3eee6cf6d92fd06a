import Foundation
import NovaKitServer
import Testing

/// Every setting is declared once; the README's table is checked against those declarations.
@Suite("Settings")
struct SettingsTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md")

    /// The README row a setting must have: flag, environment variable, YAML key, default.
    static func row(_ setting: SettingDescription) -> String {
        "| `--\(setting.flag)` | `\(setting.environmentVariable)` | `\(setting.key)` | \(setting.defaultText.map { "`\($0)`" } ?? "none") | \(setting.summary) |"
    }

    @Test("environment variables follow the keys as swift-configuration reads them")
    func environmentNames() {
        let names = Dictionary(uniqueKeysWithValues: Settings.all.map { ($0.key, $0.environmentVariable) })
        #expect(names["identity.tokenLifetime"] == "NOVAKIT_IDENTITY_TOKEN_LIFETIME")
        #expect(names["api.maxBodySize"] == "NOVAKIT_API_MAX_BODY_SIZE")
        #expect(names["database.url"] == "NOVAKIT_DATABASE_URL")
        #expect(names["port"] == "NOVAKIT_PORT")
        #expect(Set(Settings.all.map(\.flag)).count == Settings.all.count)
    }

    @Test("the README lists every setting as declared")
    func readmeTable() throws {
        let lines = Set(try String(contentsOf: Self.readme, encoding: .utf8).split(separator: "\n").map(String.init))
        for setting in Settings.all { #expect(lines.contains(Self.row(setting)), "README lacks: \(Self.row(setting))") }
    }

    @Test("etc/novakit.yaml.sample is what `novakit sample-config` prints: every setting, documented")
    func sampleFile() throws {
        let sample = Self.readme.deletingLastPathComponent().appendingPathComponent("etc/novakit.yaml.sample")
        let text = try String(contentsOf: sample, encoding: .utf8)
        #expect(text == SampleConfiguration.text, "regenerate with: novakit sample-config > etc/novakit.yaml.sample")
        for setting in Settings.all {
            #expect(text.contains("environment \(setting.environmentVariable).") && text.contains("# \(setting.summary)"))
        }
    }
}
