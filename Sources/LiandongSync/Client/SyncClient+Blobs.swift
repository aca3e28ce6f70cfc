import Foundation
import LiandongDomain
import LiandongStore

/// BlobPassOutcome is what one pass of the blob lane moved.
public struct BlobPassOutcome: Sendable {
    public var uploadedBytes: Int64 = 0
    public var downloadedBytes: Int64 = 0
    /// Files now held whole on both sides.
    public var completed: [String] = []
    /// Files refused or failing, with the reason (retried later with back-off).
    public var failed: [(sha256: String, reason: String)] = []
    /// Whether the parent answered at all: a pass with nothing to do proves nothing about the link.
    public var contacted = false

    public var json: JSONValue {
        ["uploadedBytes": .int(uploadedBytes), "downloadedBytes": .int(downloadedBytes), "completed": .strings(completed),
         "failed": .array(failed.map { ["sha256": .string($0.sha256), "reason": .string($0.reason)] })]
    }
}

/// The child's side of the blob lane (Protocol/blobs.md): for every file of a case shared with
/// the parent, ask what the parent holds, then send or fetch chunks from there. Files take turns
/// of a few chunks each, so one large scan never holds back another file; a refused file is noted
/// and left for later; a broken link ends the pass (the bytes each side holds stay, and the next
/// pass resumes from what the other side reports).
extension SyncClient {
    public func blobPass(shouldStop: () -> Bool = { false }) throws -> BlobPassOutcome {
        var outcome = BlobPassOutcome()
        if parentCode.isEmpty {
            if let code = try writer.with({ try $0.parentLink().code }) { parentCode = code } else { try hello() }
        }
        var active = try writer.with { try $0.blobLaneWork(parent: parentCode) }
        while !active.isEmpty, !shouldStop() {
            var next: [BlobReference] = []
            for reference in active where !shouldStop() {
                do {
                    if try !blobTurn(reference, &outcome) { next.append(reference) }
                } catch let error as SyncError {
                    let reason = "\(error.code)：\(error.message)"
                    outcome.failed.append((reference.sha256, reason))
                    try writer.with { try $0.noteBlobMiss(reference.sha256, number: reference.number, failed: true, reason: reason) }
                } catch let error as StoreError where error.code.hasPrefix("blob_") {
                    let reason = "\(error.code)：\(error.message)"
                    outcome.failed.append((reference.sha256, reason))
                    try writer.with { try $0.noteBlobMiss(reference.sha256, number: reference.number, failed: true, reason: reason) }
                }
            }
            active = next
        }
        return outcome
    }

    /// One turn for one file; true when there is nothing more to do for it in this pass.
    func blobTurn(_ reference: BlobReference, _ outcome: inout BlobPassOutcome) throws -> Bool {
        let sha = reference.sha256
        let blobs = BlobStore(directory: writer.directory)
        let parentHeld: Int64
        do {
            parentHeld = try channel.blobStatus(sha)
            outcome.contacted = true
        } catch let error as SyncError where error.code == "blob_unknown" {
            outcome.contacted = true
            // The change naming it has not reached the parent yet (it goes on the change lanes).
            try writer.with { try $0.noteBlobMiss(sha, number: reference.number, failed: false, reason: "上级尚未收到引用该附件的变更") }
            return true
        }
        switch BlobRoute.step(size: reference.size, localComplete: blobs.has(sha), localHeld: blobs.held(sha), parentHeld: parentHeld) {
        case .done:
            try writer.with { try $0.noteBlobExchanged(sha, parent: parentCode) }
            outcome.completed.append(sha)
            return true
        case .wait:
            try writer.with { try $0.noteBlobMiss(sha, number: reference.number, failed: false, reason: "上下级均未收齐，附件仍在途中") }
            return true
        case .upload(var offset):
            for _ in 0..<BlobRoute.chunksPerTurn {
                let chunk = try blobs.read(sha, offset: offset, limit: BlobRoute.chunkBytes)
                let answer: (held: Int64, complete: Bool)
                do {
                    answer = try channel.putChunk(sha, offset: offset, bytes: chunk)
                } catch let error as SyncError where error.code == "blob_offset_mismatch" {
                    return false  // the parent holds another amount (another sender, a lost answer): ask again next turn
                }
                outcome.uploadedBytes += Int64(chunk.count)
                offset = answer.held
                if answer.complete {
                    try writer.with { try $0.noteBlobExchanged(sha, parent: parentCode) }
                    outcome.completed.append(sha)
                    return true
                }
            }
            try writer.with { try $0.noteBlobProgress(sha) }
            return false
        case .download(var offset):
            for _ in 0..<BlobRoute.chunksPerTurn {
                let body = try channel.getChunk(sha, offset: offset)
                guard !body.isEmpty else { throw SyncError("blob_not_held", "上级返回了空的附件数据") }
                do {
                    offset = try blobs.append(sha, size: reference.size, offset: offset, bytes: body)
                } catch let error as StoreError where error.code == "blob_offset_mismatch" {
                    return false
                }
                outcome.downloadedBytes += Int64(body.count)
                if offset >= reference.size {
                    try writer.with { try $0.noteBlobExchanged(sha, parent: parentCode) }
                    outcome.completed.append(sha)
                    return true
                }
            }
            try writer.with { try $0.noteBlobProgress(sha) }
            return false
        }
    }
}
