import Foundation

/// NodeDirectory is a data directory about to be created: it remembers which directories did not
/// exist yet, so that an `init` that fails half-way removes exactly what it made and leaves
/// nothing that would make the next attempt fail with `already_initialized`.
public struct NodeDirectory: Sendable {
    public let path: String
    /// The topmost directory on the path that did not exist: removed whole, as all of it is ours.
    let createdRoot: String?

    public init(path: String) {
        self.path = path
        var missing: String?
        var current = URL(fileURLWithPath: path).standardizedFileURL
        while !FileManager.default.fileExists(atPath: current.path) {
            missing = current.path
            let up = current.deletingLastPathComponent()
            if up.path == current.path { break }
            current = up
        }
        createdRoot = missing
    }

    /// The files a node keeps in its directory.
    static func nodeFiles(in directory: String) -> [String] {
        let db = directory + "/" + NodeStore.databaseName
        return [db, db + "-wal", db + "-shm", db + "-journal", directory + "/" + KeyFile.name]
    }

    /// Removes what the failed init created: the directories that were missing, or only the node's
    /// files when the directory was already there. Call it after the store is released.
    public func remove() {
        let manager = FileManager.default
        if let createdRoot {
            try? manager.removeItem(atPath: createdRoot)
        } else {
            for file in NodeDirectory.nodeFiles(in: path) where manager.fileExists(atPath: file) {
                try? manager.removeItem(atPath: file)
            }
        }
    }
}
