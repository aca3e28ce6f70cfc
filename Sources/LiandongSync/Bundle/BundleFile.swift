import Foundation
import LiandongDomain
import LiandongStore

/// BundleFile is the byte layout of a USB bundle (Protocol/bundle.md):
///
///     LIANDONG-BUNDLE 1\n
///     <header: canonical JSON, one line>\n
///     <the files' bytes, in the header's order, back to back>
///     <Ed25519 signature, 64 bytes>
///
/// The writer signs `liandong-bundle-1\n` + hex(SHA-256(every byte before the signature)) with its
/// node key. A reader checks the signature against the writer's registered key and every file's
/// hash before anything is applied: one altered byte refuses the bundle whole. Files are streamed
/// in chunks, never read whole.
public enum BundleFile {
    public static let magic = Array("LIANDONG-BUNDLE 1\n".utf8)
    public static let signatureLength = 64
    /// Read and write chunk: large enough to be quick on a USB stick, small enough for a village PC.
    static let chunk = 1 << 20
    /// A header beyond this is refused unread (a bundle of changes is a few MB even after weeks).
    static let maxHeader = 256 << 20

    /// The text the writer signs: a domain prefix, so that no sync request signature can pass for a bundle's.
    public static func signedText(digest: [UInt8]) -> [UInt8] { Array("liandong-bundle-1\n\(Hex.encode(digest))".utf8) }

    /// Writes the bundle to `path` (a temporary file renamed into place once fsynced); returns its size.
    @discardableResult
    public static func write(_ header: BundleHeader, blobs: BlobStore, to path: String, sign: ([UInt8]) throws -> [UInt8]) throws -> Int64 {
        let text = header.json.canonicalBytes
        guard !text.contains(0x0A) else { throw SyncError("internal", "数据包头含换行，无法写出") }
        let temporary = path + ".part"
        try? FileManager.default.removeItem(atPath: temporary)
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: temporary)
        else { throw SyncError("bundle_write_failed", "无法写入 \(temporary)（目录是否存在、是否可写？）") }
        var size: Int64 = 0
        do {
            defer { try? handle.close() }
            let hasher = try SHA256Stream()
            func put(_ bytes: [UInt8]) throws {
                hasher.update(bytes)
                try handle.write(contentsOf: bytes)
                size += Int64(bytes.count)
            }
            try put(magic + text + [0x0A])
            for file in header.files {
                var offset: Int64 = 0
                while offset < file.size {
                    let bytes = try blobs.read(file.sha256, offset: offset, limit: chunk)
                    guard !bytes.isEmpty else { throw SyncError("blob_missing", "附件 \(file.sha256) 比登记的 \(file.size) 字节短") }
                    try put(bytes)
                    offset += Int64(bytes.count)
                }
            }
            let signature = try sign(signedText(digest: hasher.finish()))
            try handle.write(contentsOf: signature)
            size += Int64(signature.count)
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
        return size
    }

    /// Opened is a bundle whose signature and file hashes were checked: its header, and where each file's bytes are.
    public struct Opened {
        public let path: String
        public let header: BundleHeader
        /// Where each file of `header.files` starts in the bundle.
        public let starts: [Int64]

        /// Up to `limit` bytes of file `index` from `offset`.
        public func read(file index: Int, offset: Int64, limit: Int) throws -> [UInt8] {
            guard let handle = FileHandle(forReadingAtPath: path) else { throw SyncError("bundle_unreadable", "无法读取数据包 \(path)") }
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(starts[index] + offset))
            let wanted = min(Int64(limit), header.files[index].size - offset)
            return [UInt8](try handle.read(upToCount: Int(wanted)) ?? Data())
        }
    }

    static func damaged(_ why: String) -> SyncError {
        SyncError("bundle_damaged", "数据包已损坏或被改动（\(why)），整包拒收，未导入任何内容")
    }

    /// Reads and checks a bundle: layout, the writer's signature (its key from `key(writer)`), and
    /// every file's SHA-256. Any failure refuses the bundle whole.
    public static func open(_ path: String, key: (String) throws -> [UInt8]) throws -> Opened {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw SyncError("bundle_unreadable", "无法读取数据包 \(path)") }
        defer { try? handle.close() }
        let size = Int64(try handle.seekToEnd())
        try handle.seek(toOffset: 0)
        guard size >= Int64(magic.count + 2 + signatureLength) else { throw SyncError("bundle_not_a_bundle", "\(path) 不是联动数据包（文件过短）") }
        let body = size - Int64(signatureLength)
        // One pass over the body: the digest the signature covers, and the header line.
        let hasher = try SHA256Stream()
        var headerBytes: [UInt8] = []
        var headerEnd: Int64?
        var position: Int64 = 0
        while position < body {
            let bytes = [UInt8](try handle.read(upToCount: Int(min(Int64(chunk), body - position))) ?? Data())
            guard !bytes.isEmpty else { throw damaged("文件在读取时变短") }
            if position == 0, !bytes.starts(with: magic) { throw SyncError("bundle_not_a_bundle", "\(path) 不是联动数据包（开头标记不符）") }
            hasher.update(bytes)
            if headerEnd == nil {
                if let newline = bytes.firstIndex(of: 0x0A, after: position == 0 ? magic.count : 0) {
                    headerBytes += bytes[..<newline]
                    headerEnd = position + Int64(newline) + 1
                } else {
                    headerBytes += bytes
                    guard headerBytes.count <= maxHeader + magic.count else { throw damaged("数据包头过长") }
                }
            }
            position += Int64(bytes.count)
        }
        let signature = [UInt8](try handle.read(upToCount: signatureLength) ?? Data())
        guard let headerEnd else { throw damaged("找不到数据包头的结尾") }
        let header: BundleHeader
        do {
            header = try BundleHeader(MessageReader.parse(Array(headerBytes.dropFirst(magic.count)), checkProtocol: false))
        } catch {
            // A wrong format or version is said as such; anything else in an unreadable header is damage.
            throw error.code.hasPrefix("bundle_") ? error : damaged("数据包头无法解析")
        }
        let publicKey = try key(header.from)
        guard signature.count == signatureLength, let verifier = try? Ed25519PublicKey(publicKey),
            verifier.isValidSignature(signature, for: signedText(digest: hasher.finish()))
        else {
            throw SyncError("bundle_bad_signature", "数据包签名不符（写包节点 \(header.from)）：文件已被改动或损坏，整包拒收，未导入任何内容")
        }
        // The files must fill the rest exactly, and each must hash to its name.
        var starts: [Int64] = []
        var start = headerEnd
        for file in header.files {
            starts.append(start)
            start += file.size
        }
        guard start == body else { throw damaged("附件长度与数据包头不符") }
        try handle.seek(toOffset: UInt64(headerEnd))
        for file in header.files {
            let hasher = try SHA256Stream()
            var left = file.size
            while left > 0 {
                let bytes = [UInt8](try handle.read(upToCount: Int(min(Int64(chunk), left))) ?? Data())
                guard !bytes.isEmpty else { throw damaged("文件在读取时变短") }
                hasher.update(bytes)
                left -= Int64(bytes.count)
            }
            guard Hex.encode(hasher.finish()) == file.sha256 else {
                throw SyncError("bundle_blob_hash_mismatch", "数据包中的附件 \(file.sha256.prefix(12))… 校验不符，整包拒收，未导入任何内容",
                                ["sha256": .string(file.sha256)])
            }
        }
        return Opened(path: path, header: header, starts: starts)
    }
}

extension Array where Element == UInt8 {
    /// The index of the first `byte` at or after `start`.
    func firstIndex(of byte: UInt8, after start: Int) -> Int? {
        guard start < count else { return nil }
        return self[start...].firstIndex(of: byte)
    }
}
