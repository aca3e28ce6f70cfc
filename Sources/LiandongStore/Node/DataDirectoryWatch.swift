#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// DataDirectoryWatch notices a node's database pulled from under a running process: the file
/// deleted, or another file (a backup copied back, a different node) put at its path.
///
/// SQLite keeps writing through its open descriptors into an unlinked file, which then vanishes at
/// the next restart with everything synced since; and a replaced file next to the old `-wal` is
/// worse, since SQLite replays a WAL into whatever database sits at its path. So the identity of
/// the file (device and inode) is taken once, and compared with what the path names now.
public final class DataDirectoryWatch: @unchecked Sendable {
    /// A file's identity on this machine: the same path naming another inode is another file.
    public struct FileIdentity: Sendable, Equatable {
        public let device: UInt64
        public let inode: UInt64
    }

    public let directory: String
    public let databasePath: String
    public let identity: FileIdentity
    private let condition = NSCondition()
    private var stopping = false

    /// Takes the identity of the database file as it is now; throws when it is not there.
    public init(directory: String) throws {
        self.directory = directory
        databasePath = directory + "/" + NodeStore.databaseName
        guard let identity = Self.identity(of: databasePath) else { throw StoreError.notInitialized(directory) }
        self.identity = identity
    }

    /// Why the database is no longer the one this process opened, in English for the log; nil while it is.
    public func problem() -> String? {
        guard let now = Self.identity(of: databasePath) else {
            var info = stat()
            if stat(directory, &info) != 0 { return "data directory \(directory) is gone (\(String(cString: strerror(errno))))" }
            return "database file \(databasePath) was deleted"
        }
        if now != identity {
            return "database file \(databasePath) was replaced by another file (inode \(identity.inode) is now \(now.inode))"
        }
        return nil
    }

    /// Checks every `interval` seconds on a thread of its own and calls `lost` once, with the
    /// reason, when the file is gone or replaced; then stops watching.
    public func start(interval: Double = 0.1, lost: @escaping @Sendable (String) -> Void) {
        Thread.detachNewThread { [self] in
            while true {
                let stop = condition.withLock { () -> Bool in
                    if !stopping { _ = condition.wait(until: Date().addingTimeInterval(interval)) }
                    return stopping
                }
                if stop { return }
                if let problem = problem() {
                    lost(problem)
                    return
                }
            }
        }
    }

    public func stop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
    }

    static func identity(of path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}
