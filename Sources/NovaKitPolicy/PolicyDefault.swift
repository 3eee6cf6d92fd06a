/// A policy rule declared in code next to the API it guards, with its default check string.
public struct PolicyDefault: Sendable, Hashable {
    public let name: String
    public let checkString: String
    public let description: String

    public init(_ name: String, _ checkString: String, description: String = "") {
        self.name = name
        self.checkString = checkString
        self.description = description
    }
}

extension PolicyDefault {
    /// The base rules every other default builds on, as current Nova names them.
    public static let baseRules: [PolicyDefault] = [
        PolicyDefault("context_is_admin", "role:admin", description: "Decides what is required for the 'is_admin:True' check to succeed."),
        PolicyDefault(
            "admin_or_owner", "is_admin:True or project_id:%(project_id)s", description: "Default rule for most non-admin APIs (kilo semantics)."),
        PolicyDefault("admin_api", "is_admin:True", description: "Default rule for most admin APIs (kilo semantics)."),
        PolicyDefault("project_manager_api", "role:manager and project_id:%(project_id)s"),
        PolicyDefault("project_member_api", "role:member and project_id:%(project_id)s"),
        PolicyDefault("project_reader_api", "role:reader and project_id:%(project_id)s"),
        PolicyDefault("service_api", "role:service"),
        PolicyDefault("project_manager_or_admin", "rule:project_manager_api or rule:context_is_admin"),
        PolicyDefault("project_member_or_admin", "rule:project_member_api or rule:context_is_admin"),
        PolicyDefault("project_reader_or_admin", "rule:project_reader_api or rule:context_is_admin"),
        PolicyDefault("service_or_admin", "rule:service_api or rule:context_is_admin"),
    ]
}
