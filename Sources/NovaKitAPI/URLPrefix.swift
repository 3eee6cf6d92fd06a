/// The part of a compute URL before the resource path: which API and which project the URL names.
struct URLPrefix: Equatable {
    enum API: Equatable {
        /// `/v2/{project_id}/…`: the legacy API, version headers ignored.
        case legacy
        /// `/v2.1[/{project_id}]/…`
        case v21
    }

    let api: API
    let projectID: String?
    /// The path below the prefix.
    let rest: [Substring]

    /// Splits `/v2/{p}/…`, `/v2.1/{p}/…` or `/v2.1/…`; `nil` for paths outside the compute API.
    /// Under `/v2.1` a first segment is a project id only when it is hex and dashes, as Nova's router has it.
    init?(segments: [Substring]) {
        guard let first = segments.first else { return nil }
        switch first {
        case "v2":
            guard segments.count >= 2 else { return nil }
            self.init(api: .legacy, projectID: String(segments[1]), rest: Array(segments.dropFirst(2)))
        case "v2.1":
            if segments.count >= 2, Self.looksLikeProjectID(segments[1]) {
                self.init(api: .v21, projectID: String(segments[1]), rest: Array(segments.dropFirst(2)))
            } else {
                self.init(api: .v21, projectID: nil, rest: Array(segments.dropFirst()))
            }
        default:
            return nil
        }
    }

    private init(api: API, projectID: String?, rest: [Substring]) {
        self.api = api
        self.projectID = projectID
        self.rest = rest
    }

    static func looksLikeProjectID(_ segment: Substring) -> Bool {
        !segment.isEmpty && segment.allSatisfy { $0.isHexDigit || $0 == "-" }
    }
}
