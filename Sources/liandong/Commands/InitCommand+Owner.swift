import Foundation

extension InitCommand {
    /// Gives what root just made in a data directory to the directory's owner. The package creates
    /// /var/lib/liandong for the `liandong` user; an administrator who runs `sudo liandong init`
    /// (or `restore`) there must not leave files the service cannot open.
    static func handOver(_ directory: String) throws {
        guard geteuid() == 0 else { return }
        var info = stat()
        guard stat(directory, &info) == 0, info.st_uid != 0 else { return }
        var paths = [String]()
        if let enumerator = FileManager.default.enumerator(atPath: directory) {
            while let relative = enumerator.nextObject() as? String { paths.append(directory + "/" + relative) }
        }
        for path in paths where lchown(path, info.st_uid, info.st_gid) != 0 {
            throw CLIError(code: "chown_failed", message: "无法把 \(path) 交给数据目录的所有者：\(String(cString: strerror(errno)))")
        }
    }
}
