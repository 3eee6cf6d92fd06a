import SQLKit
import Synchronization

extension Database {
    /// Why the database cannot serve requests now, or `nil` when it answers: a SQLite file that is gone,
    /// replaced or not accessible, or a database that does not answer a trivial query within `timeout`.
    /// The probe never waits longer than `timeout`, even on a database that hangs.
    public func unavailability(timeout: Duration = .seconds(2)) async -> String? {
        if let problem = file?.problem { return problem }
        let answer = FirstAnswer()
        return await withCheckedContinuation { continuation in
            answer.arm(continuation)
            Task {
                do {
                    try await self.read { sql in try await sql.raw("SELECT 1").run() }
                    answer.give(nil)
                } catch {
                    answer.give("the database does not answer: \(String(describing: error))")
                }
            }
            Task {
                try? await Task.sleep(for: timeout)
                answer.give("the database did not answer within \(timeout)")
            }
        }
    }
}

/// Resumes a continuation with whichever answer comes first; later ones are dropped.
private final class FirstAnswer: Sendable {
    private let continuation = Mutex<CheckedContinuation<String?, Never>?>(nil)

    func arm(_ continuation: CheckedContinuation<String?, Never>) { self.continuation.withLock { $0 = continuation } }

    func give(_ answer: String?) {
        let waiting = continuation.withLock { stored -> CheckedContinuation<String?, Never>? in
            defer { stored = nil }
            return stored
        }
        waiting?.resume(returning: answer)
    }
}
