import HummingbirdBcrypt
import NIOPosix

/// Passwords and application credential secrets hashed with bcrypt, as Keystone hashes them. `rounds` is the
/// cost of each new hash (Keystone's `password_hash_rounds`); a stored hash is checked at the cost it was made
/// with, so changing the setting re-hashes nothing. Both run on NIO's thread pool, off the cooperative one.
public struct PasswordHasher: Sendable {
    /// The costs bcrypt accepts.
    public static let roundsRange = 4...31
    /// Keystone's default cost.
    public static let defaultRounds = 12

    public let rounds: Int

    public init(rounds: Int = defaultRounds) {
        precondition(Self.roundsRange.contains(rounds), "bcrypt rounds out of range")
        self.rounds = rounds
    }

    /// A new bcrypt hash of `password` at this hasher's cost.
    func hash(_ password: String) async throws -> String {
        let rounds = rounds
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: UInt8(rounds)) }
    }

    /// Whether `password` matches the stored `hash` (false for a malformed hash too).
    func verify(_ password: String, against hash: String) async -> Bool {
        (try? await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }) ?? false
    }
}
