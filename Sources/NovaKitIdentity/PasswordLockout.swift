public import Foundation
import NovaKitStorage
import SQLKit

/// Keystone's account lockout (`[security_compliance] lockout_failure_attempts` and `lockout_duration`):
/// after `attempts` failed password logins in a row a user is refused — even with the right password — for
/// `duration` seconds from the last failure; a successful login, or an administrator setting the user's
/// password or enabling the user, clears the count. Failures are counted in `identity_login_failures`, so
/// every node on a shared database sees them.
public struct PasswordLockout: Sendable {
    /// Failures that lock the user; 0 never locks (Keystone's default).
    public let attempts: Int
    /// Seconds a lock lasts after the last failure.
    public let duration: TimeInterval

    public init(attempts: Int, duration: TimeInterval) {
        self.attempts = attempts
        self.duration = duration
    }

    public static let off = PasswordLockout(attempts: 0, duration: 1800)

    static let table = "identity_login_failures"

    private struct Failures: Decodable {
        let failures: Int
        let lastFailureAt: Int
        enum CodingKeys: String, CodingKey { case failures, lastFailureAt = "last_failure_at" }
    }

    /// Whether `userID` is locked out at `now`.
    func isLocked(_ userID: String, now: Date, in database: Database) async throws -> Bool {
        guard attempts > 0, let record = try await database.read({ sql in try await Self.failures(userID, sql) }) else { return false }
        return record.failures >= attempts && now.timeIntervalSince1970 < Double(record.lastFailureAt) + duration
    }

    /// Counts a failed password login; a lock that has run out starts the count again.
    func recordFailure(_ userID: String, now: Date, in database: Database) async throws {
        guard attempts > 0 else { return }
        let seconds = Int(now.timeIntervalSince1970)
        try await database.transaction { sql in
            guard let record = try await Self.failures(userID, sql) else {
                try await sql.insert(into: Self.table)
                    .columns("user_id", "failures", "last_failure_at", "created_at", "deleted")
                    .values(SQLBind(userID), SQLBind(1), SQLBind(seconds), SQLBind(now), SQLBind(0))
                    .run()
                return
            }
            let expired = record.failures >= attempts && Double(seconds) >= Double(record.lastFailureAt) + duration
            try await sql.update(Self.table)
                .set("failures", to: SQLBind(expired ? 1 : record.failures + 1))
                .set("last_failure_at", to: SQLBind(seconds))
                .set("updated_at", to: SQLBind(now))
                .where("user_id", .equal, SQLBind(userID)).where("deleted", .equal, SQLBind(0))
                .run()
        }
    }

    /// Clears `userID`'s failures (a successful login, or an administrator's change).
    func reset(_ userID: String, in database: Database) async throws {
        guard attempts > 0 else { return }
        try await database.withConnection { sql in
            try await sql.update(Self.table).set("failures", to: SQLBind(0))
                .where("user_id", .equal, SQLBind(userID)).where("deleted", .equal, SQLBind(0)).where("failures", .greaterThan, SQLBind(0))
                .run()
        }
    }

    private static func failures(_ userID: String, _ sql: any SQLDatabase) async throws -> Failures? {
        try await sql.select().columns("failures", "last_failure_at").from(table)
            .where("user_id", .equal, SQLBind(userID)).where("deleted", .equal, SQLBind(0))
            .first(decoding: Failures.self)
    }

    /// The table of failure counts, one live row per user.
    static let migration = SchemaMigration("identity/002_login_failures") { sql, _ in
        try await sql.createSoftDeletableTable(table) {
            $0.column("row_id", type: .int, .primaryKey(autoIncrement: true))
                .column("user_id", type: .text, .notNull)
                .column("failures", type: .int, .notNull)
                .column("last_failure_at", type: .bigint, .notNull)
                .unique(["user_id", "deleted"])
        }
    }
}
