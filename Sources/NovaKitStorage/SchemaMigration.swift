public import SQLKit

/// One schema change, identified by its owner and name (`os-documents/create_documents`).
public struct SchemaMigration: Sendable {
    public let id: String
    public let apply: @Sendable (any SQLDatabase, DatabaseKind) async throws -> Void

    public init(_ id: String, apply: @escaping @Sendable (any SQLDatabase, DatabaseKind) async throws -> Void) {
        self.id = id
        self.apply = apply
    }
}
