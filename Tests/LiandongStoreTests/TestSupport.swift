import Foundation
import LiandongStore
import XCTest

/// TemporaryDirectory is a fresh directory for one test's database files, removed afterwards.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("liandong-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Locked is a value shared between test threads behind a lock.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// Runs body on a new thread; the returned function waits for it and hands back its error, if any.
func startThread(_ body: @escaping @Sendable () throws -> Void) -> () -> (any Error)? {
    let done = DispatchSemaphore(value: 0)
    let failure = Locked<(any Error)?>(nil)
    let thread = Thread {
        do { try body() } catch { failure.withLock { $0 = error } }
        done.signal()
    }
    thread.start()
    return {
        done.wait()
        return failure.withLock { $0 }
    }
}
