import Foundation
import HTTPTypes
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitHTTP
import NovaKitImage
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// The seed's first way: `POST /servers/{id}/action`, one declared action per body key, each run through the
/// lifecycle engine (state check first, then the lock), recorded as an instance action with the request id.
extension ServerContext {
    @APIBuilder var actionDeclarations: [APIDeclaration] {
        Actions(on: Servers.key) {
            Action("resize", body: ResizeBody.self, policy: ServerRules.resize) { server, body, request in
                let moved = try await resize(server, to: body.flavorRef, request)
                if let diskConfig = body.diskConfig { try await servers.set(server.id, [("auto_disk_config", diskConfig == "AUTO")]) }
                return moved
            }
            Action("migrate", versions: .through(55), policy: ServerRules.migrate) { server, request in
                try await migrate(server, to: nil, request)
            }
            Action("migrate", body: MigrateBody?.self, versions: .from(56), policy: ServerRules.migrate) { server, body, request in
                try await migrate(server, to: body?.host, request)
            }
            Action("confirmResize", policy: ServerRules.confirmResize, status: .noContent) { server, request in
                try await finishResize(server, .confirmResize, request)
            }
            Action("revertResize", policy: ServerRules.revertResize) { server, request in try await finishResize(server, .revertResize, request) }
            Action("reboot", body: RebootBody.self, policy: ServerRules.reboot) { server, body, request in
                try await simple(server, body.isHard ? .hardReboot : .softReboot, request)
            }
            Action("os-start", policy: ServerRules.start) { server, request in try await simple(server, .start, request) }
            Action("os-stop", policy: ServerRules.stop) { server, request in try await simple(server, .stop, request) }
            Action("pause", policy: ServerRules.pause) { server, request in try await simple(server, .pause, request) }
            Action("unpause", policy: ServerRules.unpause) { server, request in try await simple(server, .unpause, request) }
            Action("suspend", policy: ServerRules.suspend) { server, request in try await simple(server, .suspend, request) }
            Action("resume", policy: ServerRules.resume) { server, request in try await simple(server, .resume, request) }
            Action("restore", policy: ServerRules.restore) { server, request in try await simple(server, .restore, request) }
            Action("forceDelete", policy: ServerRules.forceDelete) { server, request in try await simple(server, .forceDelete, request) }
            Action("changePassword", body: ChangePasswordBody.self, policy: ServerRules.changePassword) { server, _, request in
                try await simple(server, .changePassword, request)
            }
            Action("lock", versions: .through(72), policy: ServerRules.lock) { server, request in try await lock(server, reason: nil, request) }
            Action("lock", body: LockBody?.self, versions: .from(73), policy: ServerRules.lock) { server, body, request in
                try await lock(server, reason: body?.lockedReason, request)
            }
            Action("unlock", policy: ServerRules.unlock) { server, request in try await unlock(server, request) }
            // The fake driver has no guest networking to rewrite: accepted for any server with a host, as Nova's RPC is.
            Action("injectNetworkInfo", policy: ServerRules.injectNetworkInfo) { server, _ in
                guard server.host != nil else { throw Fault.conflict("Instance \(server.id) is not assigned to a host.") }
                return .empty
            }
            Action("os-resetState", body: ResetStateBody.self, policy: ServerRules.resetState) { server, body, request in
                try await resetState(server, to: body.state == "error" ? .error : .active, request)
            }
            Action("createImage", body: CreateImageBody.self, policy: ServerRules.createImage) { server, body, request in
                try await createImage(server, body, request)
            }
            Action("createBackup", body: CreateBackupBody.self, policy: ServerRules.createBackup) { server, body, request in
                try await createBackup(server, body, request)
            }
            Action("rebuild", body: RebuildBody.self, policy: ServerRules.rebuild) { server, body, request in
                try await rebuild(server, body, request)
            }
        }
    }

    /// Checks the instance's states (and, unless `stateOnly`, its lock) as the engine will, without changing anything;
    /// for actions that validate more of the request before they submit.
    func check(_ action: InstanceAction, _ server: Server, _ request: APIRequest, stateOnly: Bool = false) throws {
        do {
            _ = try InstanceStateMachine.accept(
                action, from: server.state, locked: stateOnly ? false : server.locked, isAdmin: request.auth.isAdmin)
        } catch {
            throw Self.conflict(error, server.id)
        }
    }

    /// Nova's `check_instance_lock` on its own (metadata and tag changes).
    func checkLock(_ server: Server, _ request: APIRequest) throws {
        if server.locked && !request.auth.isAdmin { throw Self.conflict(.locked, server.id) }
    }

    static func conflict(_ refusal: StateRefusal, _ id: String) -> Fault { .conflict(refusal.message(instance: id)) }

    /// Submits `action` on the server as loaded for this request (the engine validates its states and lock and
    /// stores the task with one conditional update); once accepted, `whenAccepted` runs and the instance action
    /// is recorded under the request id, before the engine starts the work.
    func run(
        _ action: InstanceAction, on server: Server, _ request: APIRequest, record name: String? = nil,
        whenAccepted: @escaping @Sendable () async throws -> Void = {}
    ) async throws {
        let actions = self.actions
        do {
            try await compute.engine.submit(action, instance: server.id, current: server.lifecycleRecord, isAdmin: request.auth.isAdmin) {
                try await whenAccepted()
                try await actions.start(name ?? action.apiName, instance: server.id, request: request)
            }
        } catch let refusal as StateRefusal {
            throw Self.conflict(refusal, server.id)
        } catch let conflict as LifecycleEngine.ConcurrentUpdate {
            throw Fault.conflict(conflict.message)
        } catch is LifecycleEngine.UnknownInstance {
            throw InstanceNotFound(id: server.id)
        }
    }

    func simple(_ server: Server, _ action: InstanceAction, _ request: APIRequest) async throws -> Reply {
        try await run(action, on: server, request)
        return .empty
    }

    /// `resize`: a new flavor, checked against quota for what it adds.
    func resize(_ server: Server, to reference: Identifier, _ request: APIRequest) async throws -> Reply {
        try check(.resize, server, request)
        let flavor = try await requestedFlavor(reference, request)
        guard flavor.flavorID != server.flavor.id else { throw Fault.badRequest("When resizing, instances must change flavor!") }
        let target = FlavorSnapshot(flavor, extraSpecs: try await flavors.specs(of: flavor.flavorID))
        try await checkUpsizeQuota(server, to: target)
        return try await move(server, .resize, flavor: target, host: nil, request)
    }

    /// `migrate` (admin): the same flavor on another host, or on `host` (2.56+).
    func migrate(_ server: Server, to host: String?, _ request: APIRequest) async throws -> Reply {
        try check(.migrate, server, request)
        return try await move(server, .migrate, flavor: server.flavor, host: host, request)
    }

    /// A host is chosen for the new size and a migration record written (pre-migrating) before the engine
    /// starts moving the instance.
    private func move(_ server: Server, _ action: InstanceAction, flavor target: FlavorSnapshot, host requestedHost: String?, _ request: APIRequest)
        async throws -> Reply
    {
        var hosts = compute.configuration.hosts
        if let requestedHost {
            hosts = hosts.filter { $0.name == requestedHost }
            guard !hosts.isEmpty else { throw Fault.badRequest("Compute host \(requestedHost) could not be found.") }
        }
        // A resize may stay on its host (its own usage is released there); a migration moves when another host fits.
        let others: Set<String> = action == .migrate && hosts.count > 1 ? Set([server.host].compactMap { $0 }) : []
        let destination = try await chooseHost(for: target.resources, among: hosts, excluding: others, releasing: server)
        let migration = moveRecord(
            server, to: destination.name, type: action == .migrate ? "migration" : "resize", newFlavor: target.id, status: .preMigrating,
            request)
        let (migrations, servers, newFlavor, resources) = (migrations, servers, target.text, target.resources)
        try await run(action, on: server, request) {
            try await migrations.create(migration)
            try await servers.set(server.id, [("new_flavor", newFlavor)] + FlavorResources.values(.new, resources))
        }
        return .empty
    }

    /// A resize to a bigger flavor needs quota for the extra cores and RAM (403 otherwise), as Nova checks.
    func checkUpsizeQuota(_ server: Server, to target: FlavorSnapshot) async throws {
        let extra = ["cores": target.vcpus - server.flavor.vcpus, "ram": target.ram - server.flavor.ram].filter { $0.value > 0 }
        guard !extra.isEmpty else { return }
        let project = server.projectID
        try await quotas.withQuotas(
            extra, count: (1, 1), project: project,
            used: { sql in
                let usage = try await ResourceUsage.project(sql, project)
                return ["cores": usage.total.vcpus, "ram": usage.total.memoryMB]
            }
        ) { _, _ in }
    }

    /// `confirmResize` / `revertResize`, with the seed's order: the state (409), then a finished migration
    /// (400 `Instance has not been resized.`), then — for a revert — the old flavor (400), then the lock (409).
    /// The old flavor is the instance's own record of it, as in Nova since flavors moved onto the instance:
    /// deleting the flavor from the catalog meanwhile does not stop a revert.
    func finishResize(_ server: Server, _ action: InstanceAction, _ request: APIRequest) async throws -> Reply {
        try check(action, server, request, stateOnly: true)
        guard let migration = try await migrations.latest(instance: server.id), migration.status == MigrationStatus.finished.rawValue
        else { throw Fault.badRequest("Instance has not been resized.") }
        if action == .revertResize {
            guard server.oldFlavor != nil else { throw Fault.badRequest("Flavor used by the instance could not be found.") }
        }
        try await run(action, on: server, request)
        return .empty
    }

    func lock(_ server: Server, reason: String?, _ request: APIRequest) async throws -> Reply {
        let owner = request.auth.isAdmin ? "admin" : "owner"
        try await actions.start("lock", instance: server.id, request: request)
        try await servers.set(server.id, [("locked", true), ("locked_by", owner), ("locked_reason", reason)])
        return .empty
    }

    func unlock(_ server: Server, _ request: APIRequest) async throws -> Reply {
        if server.locked, server.lockedBy == "admin" {
            try request.authorize(ServerRules.unlockOverride, target: ["project_id": server.projectID, "user_id": server.userID])
        }
        try await actions.start("unlock", instance: server.id, request: request)
        try await servers.set(server.id, [("locked", false), ("locked_by", String?.none), ("locked_reason", String?.none)])
        return .empty
    }

    func resetState(_ server: Server, to state: VMState, _ request: APIRequest) async throws -> Reply {
        try await actions.start("resetState", instance: server.id, request: request)
        try await servers.set(server.id, [("vm_state", state.rawValue), ("task_state", String?.none)])
        return .empty
    }

    /// A snapshot's image as registered when the task is accepted: `saving` until the snapshot task ends,
    /// then `active` (or gone, if it failed); the fake driver keeps no bytes.
    func snapshotImage(_ id: String, name: String, of server: Server, properties: [String: String]) -> Image {
        Image(
            id: id, name: name, status: "saving", visibility: "private", containerFormat: "bare", diskFormat: "qcow2",
            minDisk: server.flavor.disk, minRam: 0, size: 0, checksum: nil, owner: server.projectID, protected: false, hidden: false,
            properties: properties, createdAt: clock.now(), updatedAt: nil)
    }

    /// Runs the snapshot task, registering its image once the task is accepted.
    func createImage(_ server: Server, _ body: CreateImageBody, _ request: APIRequest) async throws -> Reply {
        try check(.createImage, server, request)
        let id = ids.uuid()
        // The request's metadata is laid over Nova's own properties (an `image_type` given wins, as in Nova).
        let properties = ["instance_uuid": server.id, "image_type": "snapshot", "base_image_ref": server.imageRef ?? ""]
            .merging(body.metadata?.values ?? [:]) { _, given in given }
        let snapshot = snapshotImage(id, name: body.name, of: server, properties: properties)
        try await run(.createImage, on: server, request) { [images] in try await images.create(snapshot, snapshotOf: server.id) }
        if request.version >= APIVersion(2, 45) { return Reply(["image_id": .string(id)]) }
        return Reply(nil, headers: ["Location": "\(request.bookmarkBase)/images/\(id)"])
    }

    /// A snapshot kept as a backup of `backup_type`; only the newest `rotation` backups of that type of the
    /// server are kept (0 keeps none), as Nova; before 2.45 only a kept backup gets a `Location`.
    func createBackup(_ server: Server, _ body: CreateBackupBody, _ request: APIRequest) async throws -> Reply {
        try check(.createImage, server, request)
        let id = ids.uuid()
        var properties = body.metadata?.values ?? [:]
        properties["instance_uuid"] = server.id
        properties["image_type"] = "backup"
        properties["backup_type"] = body.backupType
        properties["base_image_ref"] = server.imageRef ?? ""
        let snapshot = snapshotImage(id, name: body.name, of: server, properties: properties)
        try await run(.createImage, on: server, request, record: "createBackup") { [images] in
            try await images.create(snapshot, snapshotOf: server.id)
        }
        let backups = try await images.all()
            .filter {
                $0.properties["instance_uuid"] == server.id && $0.properties["image_type"] == "backup"
                    && $0.properties["backup_type"] == body.backupType
            }
            .sorted { ($0.createdAt, $0.id == id ? 1 : 0) > ($1.createdAt, $1.id == id ? 1 : 0) }
        for stale in backups.dropFirst(body.rotation.value) {
            try await images.delete(stale.id, project: server.projectID, isAdmin: true)
        }
        if request.version >= APIVersion(2, 45) { return Reply(["image_id": .string(id)]) }
        guard body.rotation.value > 0 else { return .empty }
        return Reply(nil, headers: ["Location": "\(request.bookmarkBase)/images/\(id)"])
    }

    /// Rebuilds on the given image: the new image (and name, metadata) are stored, then the engine rebuilds.
    func rebuild(_ server: Server, _ body: RebuildBody, _ request: APIRequest) async throws -> Reply {
        try check(.rebuild, server, request)
        let imageID = Identifier.lastSegment(of: body.imageRef)
        _ = try await requestedImage(imageID, request)
        if let files = body.personality { try PersonalityFile.check(files, limits: try await quotas.limits(for: server.projectID)) }
        var values: [(String, any Encodable & Sendable)] = [("image_ref", imageID)]
        if let name = body.name { values.append(("display_name", name)) }
        if let description = body.description, request.version >= APIVersion(2, 19) { values.append(("display_description", description.value)) }
        if let diskConfig = body.diskConfig { values.append(("auto_disk_config", diskConfig == "AUTO")) }
        try await servers.set(server.id, values)
        if let metadata = body.metadata { try await self.metadata.replace(server.id, with: metadata.values) }
        try await run(.rebuild, on: server, request)
        let rebuilt = try await servers.get(server.id)
        var view = ServerViews.changed(rebuilt, request, data: try await viewData(of: [rebuilt], request, groups: true), rebuild: true)
        view["adminPass"] = .string(body.adminPass ?? Self.password(ids.uuid()))
        return Reply(["server": view])
    }
}
