import HTTPTypes
import NovaKitAPI
import NovaKitCore
import NovaKitExtensions
import NovaKitPolicy
import NovaKitStorage
import NovaKitTesting
import SQLKit

/// A test-only extension, defined only in the test target: it adds a collection (`os-widgets`),
/// an action on another extension's resource (`archive` on `os-documents`) and a field to that
/// resource's responses, all without any change to NovaKit's code.
struct Widgets: APIExtension {
    let descriptor = ExtensionDescriptor(
        name: "Widgets", alias: "os-widgets", namespace: "http://example.com/compute/ext/widgets/api/v1",
        updated: "2026-11-25T00:00:00Z", description: "Widgets for tests.")

    static let key = ResourceKey<String>("os-widgets")
    static let rule = PolicyDefault("test:widgets", "rule:admin_or_owner")
    static let archive = PolicyDefault("test:widgets:archive", "rule:admin_api")
    var policies: [PolicyDefault] { [Self.rule, Self.archive] }

    /// `{"archive": {"reason": "…"}}`
    struct ArchiveBody: RequestBody {
        let reason: String

        static func schema(at version: APIVersion) -> Schema { .object(["reason": .string(maxLength: 10)], required: ["reason"]) }
    }

    var migrations: [SchemaMigration] {
        [
            SchemaMigration("os-widgets/001_create_widgets") { sql, _ in
                try await sql.createSoftDeletableTable("widgets") {
                    $0.column("id", type: .int, .primaryKey(autoIncrement: false)).column("label", type: .text)
                }
            }
        ]
    }

    var api: [APIDeclaration] {
        Resource(Self.key, lookup: .afterPolicy { id, _ in id }) {
            Index(policy: Self.rule) { _ in Reply(["widgets": []]) }
            Show(policy: Self.rule) { id, _ in Reply(["widget": ["id": .string(id)]]) }
        }
        Actions(on: Documents.key) {
            Action("archive", body: ArchiveBody.self, policy: Self.archive) { document, body, _ in
                Reply(["archived": .string(String(document.id)), "reason": .string(body.reason)])
            }
            Action("touch", versions: .from(2), policy: Self.rule, status: .noContent) { _ in .empty }
        }
        Extend(Documents.key, [.show]) { _, body in
            body["document"]?["os-widgets:widgetized"] = true
        }
    }
}
