import NovaKitAPI

/// A test-only extension, defined only in the test target: it adds a collection (`os-widgets`),
/// an action on another extension's resource (`archive` on `os-documents`) and a field to that
/// resource's responses, all without any change to NovaKit's code.
struct Widgets: APIExtension {
    let descriptor = ExtensionDescriptor(
        name: "Widgets", alias: "os-widgets", namespace: "http://example.com/compute/ext/widgets/api/v1",
        updated: "2026-11-25T00:00:00Z", description: "Widgets for tests.")

    static let rule = "test:widgets"
    var policies: [PolicyDefault] { [PolicyDefault(Self.rule, "rule:admin_or_owner"), PolicyDefault("test:widgets:archive", "rule:admin_api")] }

    var migrations: [Migration] {
        [
            Migration("os-widgets/001_create_widgets") { sql, _ in
                try await sql.createSoftDeletableTable("widgets") {
                    $0.column("id", type: .int, .primaryKey(autoIncrement: false)).column("label", type: .text)
                }
            }
        ]
    }

    var api: [APIDeclaration] {
        Resource("os-widgets") {
            Index(policy: Self.rule) { _ in Reply(["widgets": []]) }
            Show(policy: Self.rule) { request in Reply(["widget": ["id": .string(request.parameter("id"))]]) }
        }
        Actions(on: "os-documents") {
            Action("archive", schema: .object(["reason": .string(maxLength: 10)], required: ["reason"]), policy: "test:widgets:archive") {
                request in Reply(["archived": .string(request.parameter("id")), "reason": request.body["reason"] ?? .null])
            }
            Action("touch", versions: .from(2), policy: Self.rule, status: .noContent) { _ in .empty }
        }
        Extend("os-documents", ["show"]) { _, body in
            body["document"]?["os-widgets:widgetized"] = true
        }
    }
}
