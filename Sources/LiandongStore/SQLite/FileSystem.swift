#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// FileSystem holds the POSIX file steps backup and restore need to put a file in place atomically.
enum FileSystem {
    /// A unique name next to path: rename is atomic only within one file system.
    static func temporarySibling(of path: String) -> String {
        path + ".tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }

    /// The files SQLite keeps beside a database; stale ones would be replayed into a new file.
    static func sidecars(of path: String) -> [String] {
        [path + "-wal", path + "-shm", path + "-journal"]
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Removes path; a missing file is not an error.
    static func remove(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw failure("unlink", path) }
    }

    /// Replaces target with source in one step, and syncs the directory so that the rename survives
    /// power loss.
    static func replace(_ target: String, with source: String) throws {
        guard rename(source, target) == 0 else { throw failure("rename \(source) to", target) }
        try syncDirectory(of: target)
    }

    static func syncDirectory(of path: String) throws {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let fd = open(directory.isEmpty ? "/" : directory, O_RDONLY)
        guard fd >= 0 else { throw failure("open", directory) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("fsync", directory) }
    }

    private static func failure(_ operation: String, _ path: String) -> SQLiteError {
        SQLiteError(extendedCode: .ioError, message: "\(operation) \(path): \(String(cString: strerror(errno)))")
    }
}
