import Testing

@testable import NovaKitIdentity

@Suite("Endpoint URL templates")
struct EndpointTemplateTests {
    static let scoped = EndpointTemplate.values(userID: "u1", projectID: "p1")
    static let unscoped = EndpointTemplate.values(userID: "u1", projectID: nil)

    @Test(
        "Keystone's placeholders are filled in both spellings; other text, percent escapes included, is kept",
        arguments: [
            ("http://h:8774/v2.1/%(project_id)s", "http://h:8774/v2.1/p1"),
            ("http://h:8774/v2/$(tenant_id)s/x", "http://h:8774/v2/p1/x"),
            ("http://h/%(user_id)s/%(project_id)s", "http://h/u1/p1"),
            ("http://h:9292", "http://h:9292"),
            ("http://h/a%20b$5%", "http://h/a%20b$5%"),
            ("", ""),
        ])
    func filled(template: String, expected: String) {
        #expect(EndpointTemplate.fill(template, with: Self.scoped) == expected)
    }

    @Test("a placeholder the token cannot fill, or one left open, leaves the endpoint out")
    func unfillable() {
        #expect(EndpointTemplate.fill("http://h/%(project_id)s", with: Self.unscoped) == nil)
        #expect(EndpointTemplate.fill("http://h/$(tenant_id)s", with: Self.unscoped) == nil)
        #expect(EndpointTemplate.fill("http://h/%(domain_id)s", with: Self.scoped) == nil)
        #expect(EndpointTemplate.fill("http://h/%(project_id", with: Self.scoped) == nil)
        #expect(EndpointTemplate.fill("http://h/%(user_id)s", with: Self.unscoped) == "http://h/u1")
    }
}
