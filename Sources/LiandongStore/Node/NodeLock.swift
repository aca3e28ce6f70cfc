import Foundation

/// NodeLock is an exclusive `flock` on `DIR/serve.lock`: `serve` holds it for as long as it runs,
/// and `restore` takes it before it replaces anything, so a restore can never swap the database
/// from under a running server (the kernel drops the lock when the process dies, so a crash
/// never leaves a stale lock behind). CLI commands that only add changes do not take it: SQLite
/// already lets them work beside `serve`.
public final class NodeLock {
    public static let name = "serve.lock"

    private let descriptor: Int32
    public let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Takes the lock or throws `node_in_use` at once; `purpose` says what was refused.
    public static func acquire(directory: String, purpose: String) throws -> NodeLock {
        let path = directory + "/" + name
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError("lock_failed", "无法打开锁文件 \(path)：\(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            close(descriptor)
            if busy {
                throw StoreError("node_in_use", "数据目录 \(directory) 正被运行中的 liandong serve 使用，无法\(purpose)。请先停止服务（systemctl stop liandong）再重试")
            }
            throw StoreError("lock_failed", "无法锁定 \(path)：\(String(cString: strerror(errno)))")
        }
        return NodeLock(descriptor: descriptor, path: path)
    }

    /// Whether some process holds the lock now (for `doctor` and `status`), without keeping it.
    public static func isHeld(directory: String) -> Bool {
        let descriptor = open(directory + "/" + name, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(descriptor, LOCK_UN)
        return false
    }
}
