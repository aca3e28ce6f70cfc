import Foundation
import LiandongDomain
import LiandongStore

/// The parent's side of the blob lane (Protocol/blobs.md), signed like every sync request:
///
///     GET /sync/v1/blobs/{sha256}           what this node holds of the file: {sha256, size, held, complete}
///     PUT /sync/v1/blobs/{sha256}/{offset}  a chunk from the child, at exactly the offset held here
///     GET /sync/v1/blobs/{sha256}/{offset}  a chunk to the child, from a file held whole here
///
/// Only files that a case held here names are accepted or served (the change comes first), with
/// the size that change declared; a file is installed only when its bytes hash to its name.
/// File I/O happens outside the store's lock, so a chunk never delays a push or a pull.
extension SyncService {
    /// Largest chunk accepted in one PUT (the client sends BlobRoute.chunkBytes).
    public static let maxBlobChunk = 1 << 20

    public func handleBlob(_ request: HTTPServerRequest, sha256: String, offset: String?) -> HTTPServerResult {
        do {
            guard Attachment.isBlobName(sha256) else { throw SyncError.invalid("sha256", "应为 64 位小写十六进制 SHA-256") }
            var start: Int64 = 0
            if let offset {
                guard let value = Int64(offset), value >= 0, String(value) == offset else { throw SyncError.invalid("offset", "应为非负整数") }
                start = value
            }
            let allowed = offset == nil ? "GET" : "GET, PUT"
            guard request.method == "GET" || request.method == "HEAD" || (request.method == "PUT" && offset != nil) else {
                throw SyncError.methodNotAllowed(request.method, allowed: allowed)
            }
            let (node, references, blobs) = try writer.with { store in
                let node = try verifier.verify(request, store: store, now: store.now())
                return (node, try store.blobReferences(sha256: sha256), store.blobs)
            }
            guard let size = references.first?.size else {
                throw SyncError("blob_unknown", "本节点没有引用附件 \(sha256) 的办件（变更应先于附件到达）")
            }
            switch (request.method, offset) {
            case ("PUT", _):
                guard request.body.count <= Self.maxBlobChunk else {
                    throw SyncError("body_too_large", "每次最多 \(Self.maxBlobChunk) 字节")
                }
                let held: Int64
                do {
                    held = try blobLock.withLock { try blobs.append(sha256, size: size, offset: start, bytes: request.body) }
                } catch let error as StoreError where error.code.hasPrefix("blob_") {
                    if error.code == "blob_hash_mismatch" { log("blob \(sha256) from \(node): hash mismatch, discarded") }
                    throw SyncError(error.code, error.message, ["held": .int(blobs.held(sha256)), "size": .int(size)])
                }
                return .respond(respond(200, blobStatus(sha256, size: size, held: held)))
            case (_, nil):
                return .respond(respond(200, blobStatus(sha256, size: size, held: blobs.held(sha256))))
            case (_, .some):
                guard references.contains(where: { BlobRoute.mayDownload(parties: $0.parties, child: node) }) else {
                    throw SyncError("blob_unknown", "附件 \(sha256) 所属办件不经过节点 \(node)")
                }
                guard blobs.has(sha256) else {
                    throw SyncError("blob_not_held", "本节点尚未收齐附件 \(sha256)", ["held": .int(blobs.held(sha256)), "size": .int(size)])
                }
                guard start <= size else { throw SyncError.invalid("offset", "超出附件长度 \(size)") }
                let bytes = try blobs.read(sha256, offset: start, limit: BlobRoute.chunkBytes)
                statusCounts.add(200)
                return .respond(HTTPServerResponse(
                    status: 200, headers: ["Content-Type": "application/octet-stream", "Liandong-Blob-Size": String(size)],
                    body: request.method == "HEAD" ? [] : bytes))
            }
        } catch let error as SyncError {
            return .respond(respond(error))
        } catch {
            log("blob \(request.method) \(sha256): internal error: \(error)")
            return .respond(respond(SyncError("internal", "内部错误，已记录")))
        }
    }

    func blobStatus(_ sha256: String, size: Int64, held: Int64) -> JSONValue {
        ["sha256": .string(sha256), "size": .int(size), "held": .int(held), "complete": .bool(held >= size)]
    }
}
