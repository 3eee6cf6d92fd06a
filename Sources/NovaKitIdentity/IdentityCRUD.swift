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
    /// Runs after an update in the same transaction, with the PATCH body (a user's new password revokes its tokens).
    var updated: @Sendable (Directory, Record, JSON, Date) async throws -> Void = { _, _, _, _ in }
    /// Runs after a delete in the same transaction (e.g. drop a role's assignments); may refuse by throwing.
    var cascade: @Sendable (Directory, Record, Date) async throws -> Void = { _, _, _ in }
    /// Whether the caller may see the record once the read rule let them in (a project's own limits).
    var visible: @Sendable (Record, TokenInfo) -> Bool = { _, _ in true }
    /// `POST` takes `{"<collection>": [<member>, …]}` and stores them all or none (Keystone's limits).
    var createsMany = false

    /// `{"<member>": schema}`, as the handlers read it (`IdentityRequest.entity`).
    private func wrapped(_ schema: Schema) -> Schema { .object([member: schema], required: [member], additional: true) }

    var routes: [IdentityRoute] {
        let crud = self
        return [
            IdentityRoute(.get, "v3/\(collection)") { request in
                let caller = try await request.authorize(IdentityPolicies.rule("list_\(crud.collection)"))
                let filter = request.query.filter { crud.filters.contains($0.key) }
                let records = try await request.service.read { try await IdentityRepository<Record>(sql: $0.sql).list(filter) }
                let shown = records.filter { crud.visible($0, caller) }
                return .ok(IdentityViews.list(crud.collection, shown.map { crud.view($0, request.base) }, request.base))
            },
            crud.createsMany ? createManyRoute : createRoute,
            IdentityRoute(.get, "v3/\(collection)/{id}") { request in
                let caller = try await request.authorize(
                    IdentityPolicies.rule("get_\(crud.member)"), target: ["target.\(crud.member).id": request.parameter("id")])
                let record = try await crud.find(request)
                guard crud.visible(record, caller) else { throw IdentityError.notFound(crud.member, record.id) }
                return .ok([crud.member: crud.view(record, request.base)])
            },
            IdentityRoute(.patch, "v3/\(collection)/{id}", body: wrapped(updateSchema)) { request in
                try await request.authorize(IdentityPolicies.rule("update_\(crud.member)"))
                var record = try await crud.find(request)
                let body = try request.entity(crud.member, crud.updateSchema)
                try await crud.apply(&record, body, request)
                let updated = record
                try await request.service.change { directory, now in
                    let repository = IdentityRepository<Record>(sql: directory.sql)
                    try await crud.checkUnique(updated, repository)
                    _ = try await repository.update(updated, at: now)
                    try await crud.updated(directory, updated, body, now)
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

    private var createRoute: IdentityRoute {
        let crud = self
        return IdentityRoute(.post, "v3/\(collection)", body: wrapped(createSchema)) { request in
            try await request.authorize(IdentityPolicies.rule("create_\(crud.member)"))
            let record = try await crud.make(try request.entity(crud.member, crud.createSchema), request)
            try await crud.store([record], request)
            return .created([crud.member: crud.view(record, request.base)])
        }
    }

    private var createManyRoute: IdentityRoute {
        let crud = self
        let many = Schema.array(createSchema, minItems: 1)
        let body = Schema.object([collection: many], required: [collection], additional: true)
        return IdentityRoute(.post, "v3/\(collection)", body: body) { request in
            try await request.authorize(IdentityPolicies.rule("create_\(crud.member)"))
            let items = try request.entity(crud.collection, many).arrayValue ?? []
            var records: [Record] = []
            for item in items { records.append(try await crud.make(item, request)) }
            try await crud.store(records, request)
            return .created([crud.collection: .array(records.map { crud.view($0, request.base) })])
        }
    }

    func find(_ request: IdentityRequest) async throws -> Record {
        let id = request.parameter("id")
        guard let record = try await request.service.read({ try await IdentityRepository<Record>(sql: $0.sql).find(id) }) else {
            throw IdentityError.notFound(member, id)
        }
        return record
    }

    /// Stores the records in one transaction: all of them, or none when one clashes.
    func store(_ records: [Record], _ request: IdentityRequest) async throws {
        try await request.service.change { directory, now in
            let repository = IdentityRepository<Record>(sql: directory.sql)
            for record in records {
                try await checkUnique(record, repository)
                try await repository.insert(record, at: now)
            }
        }
    }

    /// Keystone's 409 when another live record already holds `record`'s unique values; checked in the
    /// writing transaction (the table's unique constraint stays as the backstop).
    func checkUnique(_ record: Record, _ repository: IdentityRepository<Record>) async throws {
        guard let values = unique(record) else { return }
        if try await repository.list(values).contains(where: { $0.id != record.id }) { throw IdentityError.conflict(member) }
    }
}
