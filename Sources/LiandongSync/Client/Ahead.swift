import Foundation

/// Ahead runs one piece of work on another thread and hands over its result when asked: how
/// SyncClient makes the next push while the parent ingests the one before.
///
/// `@unchecked Sendable`: `result` is written once before `done` is signalled and read only after
/// waiting on it.
final class Ahead<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, any Error>?

    init(_ work: @escaping @Sendable () throws -> Value) {
        DispatchQueue.global(qos: .userInitiated).async {
            self.result = Result(catching: work)
            self.done.signal()
        }
    }

    /// Waits for the work and returns what it made, or throws what it threw.
    func value() throws -> Value {
        wait()
        return try result!.get()
    }

    /// Waits for the work to end, whatever it made (so that nothing runs on after the caller gave up).
    func wait() {
        done.wait()
        done.signal()
    }
}
