import Foundation
import LiandongDomain

/// KeyFile stores a node's Ed25519 private seed as hex in `DIR/node.key`, readable by its owner only.
enum KeyFile {
    static let name = "node.key"

    static func write(_ key: Ed25519SigningKey, to directory: String) throws {
        let path = directory + "/" + name
        let text = Hex.encode(try key.seed()) + "\n"
        // Create with mode 0600 from the start: never a moment when others could read it.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw StoreError("key_write_failed", "无法创建密钥文件 \(path)：\(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard Foundation.write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            throw StoreError("key_write_failed", "无法写入密钥文件 \(path)")
        }
    }

    static func read(from directory: String) throws -> Ed25519SigningKey {
        let path = directory + "/" + name
        guard let data = FileManager.default.contents(atPath: path),
            let seed = Hex.decode(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
            seed.count == 32
        else {
            throw StoreError("key_unreadable", "无法读取节点私钥 \(path)")
        }
        return try Ed25519SigningKey(seed: seed)
    }
}
