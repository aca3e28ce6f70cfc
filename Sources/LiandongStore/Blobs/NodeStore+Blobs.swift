import Foundation
import LiandongDomain

/// BlobReference is one file a case held here carries, as its attaching change declared it.
public struct BlobReference: Hashable, Sendable {
    public var number: String
    public var sha256: String
    public var size: Int64
    public var mediaType: String
    public var fileName: String
    /// The node that attached it: there the blob must be present.
    public var by: String
    public var parties: [String]
}

/// BlobCounts is what `status` says of the files: referenced, present and missing, in bytes too.
public struct BlobCounts: Sendable {
    public var referenced = 0
    public var present = 0
    public var missing = 0
    public var presentBytes: Int64 = 0
    public var missingBytes: Int64 = 0
    /// Bytes already received of missing blobs (transfers under way).
    public var partialBytes: Int64 = 0
    /// Files whose exchange with the parent keeps failing or waiting.
    public var transfers: [BlobTransferNote] = []

    public var json: JSONValue {
        ["transfers": .array(transfers.map(\.json)), "referenced": .int(Int64(referenced)), "present": .int(Int64(present)), "missing": .int(Int64(missing)),
         "presentBytes": .int(presentBytes), "missingBytes": .int(missingBytes), "partialBytes": .int(partialBytes)]
    }
}

extension NodeStore {
    public var blobs: BlobStore { BlobStore(directory: directory) }

    /// Every (case, blob) pair the cases held here reference, one row per distinct pair.
    public func blobReferences(sha256: String? = nil) throws -> [BlobReference] {
        var sql = """
            SELECT DISTINCT c.number AS number, json_extract(a.value, '$.sha256') AS sha, json_extract(a.value, '$.size') AS size,
                json_extract(a.value, '$.mediaType') AS type, json_extract(a.value, '$.fileName') AS name,
                json_extract(a.value, '$.by') AS origin, json_extract(c.state, '$.parties') AS parties
            FROM cases c, json_each(c.state, '$.attachments') a
            """
        var args: [SQLValue] = []
        if let sha256 {
            sql += " WHERE json_extract(a.value, '$.sha256') = ?"
            args.append(.text(sha256))
        }
        return try db.query(sql + " ORDER BY number, sha", args).compactMap { row in
            guard let number = row.text("number"), let sha = row.text("sha"), let size = row.int64("size") else { return nil }
            let parties = (row.text("parties").flatMap { try? JSONParser.parse(Array($0.utf8)) }?.arrayValue ?? []).compactMap(\.stringValue)
            return BlobReference(number: number, sha256: sha, size: size, mediaType: row.text("type") ?? "", fileName: row.text("name") ?? "",
                                 by: row.text("origin") ?? "", parties: parties)
        }
    }

    /// Present and missing blobs of the cases held here, by count and bytes (each blob once).
    public func blobCounts() throws -> BlobCounts {
        var counts = BlobCounts()
        var seen = Set<String>()
        let store = blobs
        for reference in try blobReferences() where seen.insert(reference.sha256).inserted {
            counts.referenced += 1
            if store.has(reference.sha256) {
                counts.present += 1
                counts.presentBytes += reference.size
            } else {
                counts.missing += 1
                counts.missingBytes += reference.size
                counts.partialBytes += store.held(reference.sha256)
            }
        }
        counts.transfers = try blobTransferNotes()
        return counts
    }

    /// Checks every referenced blob: present and intact at the node that attached it; intact
    /// wherever it is present (elsewhere a missing blob is still on its way, not a fault).
    func verifyBlobs(_ report: inout VerifyReport) throws {
        var seen = Set<String>()
        let store = blobs
        for reference in try blobReferences() where seen.insert(reference.sha256).inserted {
            if store.has(reference.sha256) {
                if try !store.isIntact(reference.sha256) {
                    report.problems.append(VerifyProblem(code: "blob_damaged", entity: reference.number, change: nil,
                                                         message: "办件 \(reference.number) 的附件 \(reference.fileName)（\(reference.sha256)）内容与其哈希不符：文件被改动或损坏"))
                }
            } else if reference.by == identity.code {
                report.problems.append(VerifyProblem(code: "blob_missing", entity: reference.number, change: nil,
                                                     message: "办件 \(reference.number) 的附件 \(reference.fileName)（\(reference.sha256)）由本节点上传，但文件不在数据目录中"))
            }
        }
    }

    /// A file checked for attaching to a case: its type by content, its size against the limits.
    /// It is stored as a blob; the payload fields describe it. `added` says whether it is new here.
    public func storeCaseFile(_ path: String, number: String, fileName: String? = nil) throws -> (fields: [String: JSONValue], added: Bool) {
        guard let state = try caseState(number) else { throw CaseError.caseNotFound(number) }
        let facts = try BlobStore.facts(of: path)
        guard let type = facts.mediaType else {
            throw StoreError("file_type_refused", "文件 \(path) 不是 PDF、OFD、JPEG 或 PNG（按内容判断，与扩展名无关）")
        }
        let name = fileName ?? (path as NSString).lastPathComponent
        if let problem = Attachment.fileNameProblem(name) { throw StoreError("file_name_refused", "文件名不可用：\(problem)") }
        let alreadyHere = state.attachments.contains { $0.sha256 == facts.sha256 }
        if !alreadyHere, let problem = AttachmentLimits.standard.problem(size: facts.size, caseBytes: state.attachmentBytes) {
            throw StoreError("file_too_large", problem, details: ["case": number])
        }
        let (stored, added) = try blobs.put(file: path)
        return (["sha256": .string(stored.sha256), "size": .int(stored.size), "mediaType": .string(type.rawValue), "fileName": .string(name)], added)
    }

    /// `case attach`: stores the file and records `case.attached` for one material.
    @discardableResult
    public func attachFile(_ path: String, to number: String, material: String, actor: String, fileName: String? = nil) throws -> CaseState {
        try recordWithFile(path, on: number, fileName: fileName) { fields in
            var payload = fields
            payload["material"] = .string(material)
            return try act(on: number, .attach, payload: .object(payload), actor: actor)
        }
    }

    /// `case issue … --file`: the result document's file goes in the payload's `file`.
    @discardableResult
    public func issueWithFile(_ path: String, on number: String, payload: JSONValue, actor: String) throws -> CaseState {
        try recordWithFile(path, on: number) { fields in
            var object = payload.objectValue ?? [:]
            object["file"] = .object(fields)
            return try act(on: number, .issue, payload: .object(object), actor: actor)
        }
    }

    /// Stores the file, then records the change that names it; a refused change leaves no new file behind.
    func recordWithFile(_ path: String, on number: String, fileName: String? = nil, _ record: ([String: JSONValue]) throws -> CaseState) throws -> CaseState {
        let (fields, added) = try storeCaseFile(path, number: number, fileName: fileName)
        do {
            return try record(fields)
        } catch {
            if added, let sha = fields["sha256"]?.stringValue { blobs.remove(sha) }
            throw error
        }
    }

    /// Copies a case's files into a folder as `material-page.ext` names; returns the paths written.
    /// A file not yet here (on its way) is skipped and named in `missing`.
    public func exportCaseFiles(_ number: String, to folder: String) throws -> (written: [String], missing: [Attachment]) {
        guard let state = try caseState(number) else { throw CaseError.caseNotFound(number) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var written: [String] = []
        var missing: [Attachment] = []
        for (index, file) in state.attachments.enumerated() {
            guard blobs.has(file.sha256) else {
                missing.append(file)
                continue
            }
            let prefix = String(format: "%02d-", index + 1) + (file.purpose == .result ? "result" : (file.material ?? "material"))
            let target = folder + "/" + prefix + "-" + file.fileName
            if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
            try FileManager.default.copyItem(atPath: blobs.path(of: file.sha256), toPath: target)
            written.append(target)
        }
        return (written, missing)
    }
}
