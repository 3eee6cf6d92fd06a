import Foundation
import HTTPTypes
import NovaKitCore

/// Builds the five routes of an admin-managed identity collection from one description.
struct IdentityCRUD<Record: IdentityRecord> {
    /// `projects`
    let collection: String
    /// `project`
    let member: String
    /// Query parameters that filter the list (`name`, `domain_id`).
    let filters: [String]
    let createSchema: Schema
    let updateSchema: Schema
    /// A new record from a validated body.
    let make: @Sendable (JSON, IdentityRequest) async throws -> Record
    /// Applies a validated PATCH body.
    let apply: @Sendable (inout Record, JSON, IdentityRequest) async throws -> Void
    let view: @Sendable (Record, String) -> JSON
    /// The columns whose values must be unique among live records (`["domain_id", "name"]`), as the table's constraint.
    var unique: @Sendable (Record) -> [String: String]? = { _ in nil }
    /// Runs after a delete in the same transaction (e.g. drop a role's assignments).
    var cascade: @Sendable (Directory, Record, Date) async throws -> Void = { _, _, _ in }

    /// `{"<member>": schema}`, as the handlers read it (`IdentityRequest.entity`).
    private func wrapped(_ schema: Schema) -> Schema { .object([member: schema], required: [member], additional: true) }

    var routes: [IdentityRoute] {
        let crud = self
        return [
            IdentityRoute(.get, "v3/\(collection)") { request in
                try await request.authorize(IdentityPolicies.rule("list_\(crud.collection)"))
                let filter = request.query.filter { crud.filters.contains($0.key) }
                let records = try await request.service.read { try await IdentityRepository<Record>(sql: $0.sql).list(filter) }
                return .ok(IdentityViews.list(crud.collection, records.map { crud.view($0, request.base) }, request.base))
            },
            IdentityRoute(.post, "v3/\(collection)", body: wrapped(createSchema)) { request in
                try await request.authorize(IdentityPolicies.rule("create_\(crud.member)"))
                let record = try await crud.make(try request.entity(crud.member, crud.createSchema), request)
                try await crud.store(record, request)
                return .created([crud.member: crud.view(record, request.base)])
            },
            IdentityRoute(.get, "v3/\(collection)/{id}") { request in
                try await request.authorize(
                    IdentityPolicies.rule("get_\(crud.member)"), target: ["target.\(crud.member).id": request.parameter("id")])
                return .ok([crud.member: crud.view(try await crud.find(request), request.base)])
            },
            IdentityRoute(.patch, "v3/\(collection)/{id}", body: wrapped(updateSchema)) { request in
                try await request.authorize(IdentityPolicies.rule("update_\(crud.member)"))
                var record = try await crud.find(request)
                try await crud.apply(&record, try request.entity(crud.member, crud.updateSchema), request)
                let updated = record
                _ = try await request.service.change { directory, now in
                    let repository = IdentityRepository<Record>(sql: directory.sql)
                    try await crud.checkUnique(updated, repository)
                    return try await repository.update(updated, at: now)
                }
                return .ok([crud.member: crud.view(updated, request.base)])
            },
            IdentityRoute(.delete, "v3/\(collection)/{id}") { request in
                try await request.authorize(IdentityPolicies.rule("delete_\(crud.member)"))
                let record = try await crud.find(request)
                try await request.service.change { directory, now in
                    try await IdentityRepository<Record>(sql: directory.sql).delete(equals: record.id, at: now)
                    try await crud.cascade(directory, record, now)
                }
                return .noContent
            },
        ]
    }

    func find(_ request: IdentityRequest) async throws -> Record {
        let id = request.parameter("id")
        guard let record = try await request.service.read({ try await IdentityRepository<Record>(sql: $0.sql).find(id) }) else {
            throw IdentityError.notFound(member, id)
        }
        return record
    }

    func store(_ record: Record, _ request: IdentityRequest) async throws {
        try await request.service.change { directory, now in
            let repository = IdentityRepository<Record>(sql: directory.sql)
            try await checkUnique(record, repository)
            try await repository.insert(record, at: now)
        }
    }

    /// Keystone's 409 when another live record already holds `record`'s unique values; checked in the
    /// writing transaction (the table's unique constraint stays as the backstop).
    func checkUnique(_ record: Record, _ repository: IdentityRepository<Record>) async throws {
        guard let values = unique(record) else { return }
        if try await repository.list(values).contains(where: { $0.id != record.id }) { throw IdentityError.conflict(member) }
    }
}
