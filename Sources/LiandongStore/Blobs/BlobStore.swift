import Foundation
import LiandongDomain

/// BlobStore keeps the files cases carry, each named by its SHA-256, beside the database:
/// `DIR/attachments/ab/abcdef…` (the directory a backup file already carries whole). A blob is
/// written to a temporary file under `DIR/blob-partial/`, fsynced, checked against its hash and
/// renamed into place: a blob is complete or absent, never half there. The same bytes are one file.
///
/// A transfer in progress (the blob lane) grows `DIR/blob-partial/<sha256>.part`; its size is
/// the offset the other side resumes from.
public struct BlobStore: Sendable {
    public static let directoryName = BackupFormat.attachmentsDirectory
    public static let partialDirectoryName = "blob-partial"
    /// Bytes read or written at a time: the lane's chunk, and the streaming buffer.
    public static let chunkBytes = 256 << 10

    public let root: String
    public let partialRoot: String

    public init(directory: String) {
        root = directory + "/" + Self.directoryName
        partialRoot = directory + "/" + Self.partialDirectoryName
    }

    public func path(of sha256: String) -> String { root + "/" + String(sha256.prefix(2)) + "/" + sha256 }
    func partialPath(of sha256: String) -> String { partialRoot + "/" + sha256 + ".part" }

    public func has(_ sha256: String) -> Bool { Attachment.isBlobName(sha256) && FileManager.default.fileExists(atPath: path(of: sha256)) }

    /// Bytes held of a blob: its size when complete, what a transfer left otherwise, 0 when absent.
    public func held(_ sha256: String) -> Int64 {
        if let size = fileSize(path(of: sha256)) { return size }
        return fileSize(partialPath(of: sha256)) ?? 0
    }

    func fileSize(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(info.st_size)
    }

    /// What a file on disk is, read without holding it in memory: hash, size, first and last bytes.
    public struct FileFacts: Sendable {
        public var sha256: String
        public var size: Int64
        public var head: [UInt8]
        public var tail: [UInt8]
        public var mediaType: FileMediaType? { FileMediaType.sniff(head: head, tail: tail) }
    }

    /// Hashes a file in chunks and keeps its head and tail for type sniffing.
    public static func facts(of path: String) throws -> FileFacts {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError("file_unreadable", "无法读取文件 \(path)")
        }
        defer { try? handle.close() }
        let hasher = try SHA256Stream()
        var size: Int64 = 0
        var head: [UInt8] = []
        var tail: [UInt8] = []
        while true {
            let data = try handle.read(upToCount: chunkBytes) ?? Data()
            if data.isEmpty { break }
            let bytes = [UInt8](data)
            hasher.update(bytes)
            size += Int64(bytes.count)
            if head.count < FileMediaType.headBytes { head += bytes.prefix(FileMediaType.headBytes - head.count) }
            tail += bytes
            if tail.count > FileMediaType.tailBytes { tail.removeFirst(tail.count - FileMediaType.tailBytes) }
        }
        return FileFacts(sha256: Hex.encode(hasher.finish()), size: size, head: head, tail: tail)
    }

    /// Copies a file in as a blob (temporary file, fsync, hash check, rename). Returns its facts
    /// and whether it was new here (false: the same bytes were already kept).
    public func put(file source: String) throws -> (facts: FileFacts, added: Bool) {
        let facts = try Self.facts(of: source)
        if has(facts.sha256) { return (facts, false) }
        try makeDirectory(partialRoot)
        let temporary = partialRoot + "/put-" + Hex.encode(try secureRandomBytes(8))
        defer { try? FileSystem.remove(temporary) }
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]),
            let output = FileHandle(forWritingAtPath: temporary), let input = FileHandle(forReadingAtPath: source)
        else { throw StoreError("blob_write_failed", "无法写入附件临时文件 \(temporary)") }
        let hasher = try SHA256Stream()
        do {
            defer { try? input.close() }
            while let data = try input.read(upToCount: Self.chunkBytes), !data.isEmpty {
                hasher.update([UInt8](data))
                try output.write(contentsOf: data)
            }
            try output.synchronize()
            try output.close()
        }
        // The file may have changed between the two reads: what is kept is what was hashed now.
        guard Hex.encode(hasher.finish()) == facts.sha256 else {
            throw StoreError("file_changed", "文件 \(source) 在读取时被修改，请重试")
        }
        try install(temporary, as: facts.sha256)
        return (facts, true)
    }

    /// Renames a checked temporary file into place and syncs the directory.
    func install(_ temporary: String, as sha256: String) throws {
        let target = path(of: sha256)
        try makeDirectory((target as NSString).deletingLastPathComponent)
        try FileSystem.replace(target, with: temporary)
    }

    func makeDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Removes a blob (one just stored for a change that was then refused).
    public func remove(_ sha256: String) { try? FileSystem.remove(path(of: sha256)) }

    /// Whether a held blob's bytes still hash to its name (streamed).
    public func isIntact(_ sha256: String) throws -> Bool {
        try Self.facts(of: path(of: sha256)).sha256 == sha256
    }

    /// Up to `limit` bytes of a complete blob from `offset`.
    public func read(_ sha256: String, offset: Int64, limit: Int) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path(of: sha256)) else {
            throw StoreError("blob_missing", "本节点没有附件 \(sha256)")
        }
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        return [UInt8](try handle.read(upToCount: limit) ?? Data())
    }

    /// Appends a chunk of a transfer at `offset`, which must be what is held; when the blob reaches
    /// `size` it is hashed and installed, or thrown away whole (`blob_hash_mismatch`). Returns the
    /// bytes now held.
    public func append(_ sha256: String, size: Int64, offset: Int64, bytes: [UInt8]) throws -> Int64 {
        if has(sha256) { return size }
        let partial = partialPath(of: sha256)
        let held = fileSize(partial) ?? 0
        guard offset == held else {
            throw StoreError("blob_offset_mismatch", "附件 \(sha256) 本节点已有 \(held) 字节，不能从 \(offset) 续传", details: ["held": String(held)])
        }
        guard offset + Int64(bytes.count) <= size else {
            throw StoreError("blob_too_long", "附件 \(sha256) 长 \(size) 字节，收到的数据超出", details: ["held": String(held)])
        }
        try makeDirectory(partialRoot)
        if held == 0, !FileManager.default.fileExists(atPath: partial) {
            // A failure here shows as the FileHandle below not opening.
            _ = FileManager.default.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let handle = FileHandle(forWritingAtPath: partial) else { throw StoreError("blob_write_failed", "无法写入 \(partial)") }
        do {
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(offset))
            try handle.write(contentsOf: bytes)
            try handle.synchronize()
        }
        let now = offset + Int64(bytes.count)
        guard now == size else { return now }
        let facts = try Self.facts(of: partial)
        guard facts.sha256 == sha256 else {
            try? FileSystem.remove(partial)
            throw StoreError("blob_hash_mismatch", "附件 \(sha256) 收齐后校验不符（实际 \(facts.sha256)），已丢弃", details: ["held": "0"])
        }
        try install(partial, as: sha256)
        return size
    }

    /// Drops what a transfer left of a blob (a restart from 0).
    public func discardPartial(_ sha256: String) { try? FileSystem.remove(partialPath(of: sha256)) }
}
