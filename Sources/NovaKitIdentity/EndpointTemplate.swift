import Foundation

/// Endpoint URLs as templates: Keystone fills `%(project_id)s` (also written `$(project_id)s`, and
/// `tenant_id` for the same value) and `%(user_id)s` with the token's own, so one endpoint serves every
/// project (`http://host:8774/v2.1/%(project_id)s`).
enum EndpointTemplate {
    /// The values a token gives: `project_id`/`tenant_id` only when it is scoped to a project.
    static func values(userID: String, projectID: String?) -> [String: String] {
        var values = ["user_id": userID]
        if let projectID {
            values["project_id"] = projectID
            values["tenant_id"] = projectID
        }
        return values
    }

    /// `template` with every `%(name)s` / `$(name)s` replaced; `nil` when it names a value not given (or a
    /// placeholder is left open), so the endpoint is left out of the catalog.
    static func fill(_ template: String, with values: [String: String]) -> String? {
        var result = ""
        var rest = Substring(template)
        while let start = rest.firstIndex(where: { $0 == "%" || $0 == "$" }) {
            result += rest[..<start]
            let afterSign = rest.index(after: start)
            guard afterSign < rest.endIndex, rest[afterSign] == "(" else {
                result.append(rest[start])
                rest = rest[afterSign...]
                continue
            }
            guard let close = rest[afterSign...].range(of: ")s") else { return nil }
            let name = String(rest[rest.index(after: afterSign)..<close.lowerBound])
            guard let value = values[name] else { return nil }
            result += value
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}
