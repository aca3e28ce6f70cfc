/// Attachment is one file a case carries: a page of a material (a scanned ID card, a site photo)
/// or the result document (a licence as PDF or OFD). The file itself is a blob named by its
/// SHA-256; the change that attaches it carries hash, size, type and name and is signed like any
/// change, so a relay cannot swap the file without the hash check at arrival failing.
public struct Attachment: Hashable, Sendable {
    public enum Purpose: String, Sendable {
        case material
        case result
    }

    public var purpose: Purpose
    /// The catalog material id, for purpose material.
    public var material: String?
    /// Lower-case hex SHA-256 of the file's bytes: the blob's name.
    public var sha256: String
    public var size: Int64
    public var mediaType: FileMediaType
    public var fileName: String
    public var by: String
    public var actor: String
    public var on: LocalDate

    public var json: JSONValue {
        ["purpose": .string(purpose.rawValue), "material": .optional(material), "sha256": .string(sha256), "size": .int(size),
         "mediaType": .string(mediaType.rawValue), "fileName": .string(fileName), "by": .string(by), "actor": .string(actor),
         "on": .string(on.iso)]
    }

    /// Whether text is a blob name: 64 lower-case hex digits.
    public static func isBlobName(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Why a file name may not be kept, or nil: 1 to 200 characters, no path, no control characters
    /// (it names the file on export, so it must not climb out of the folder).
    public static func fileNameProblem(_ name: String) -> String? {
        guard !name.isEmpty, name.count <= 200 else { return "文件名应为 1 至 200 个字符" }
        if name == "." || name == ".." || name.contains("/") || name.contains("\\") { return "文件名不能包含路径" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "文件名不能包含控制字符" }
        return nil
    }

    /// The file fields of a payload (`case.attached`, or `file` in `case.result_issued`), checked
    /// against the ceiling; `caseBytes` is what the case carries already.
    static func read(_ payload: PayloadReader, purpose: Purpose, material: String?, change: Change, caseBytes: Int64) throws -> Attachment {
        let sha = try payload.string("sha256")
        guard isBlobName(sha) else { throw payload.fail("sha256", "应为 64 位小写十六进制 SHA-256") }
        let size = try payload.int("size")
        if let problem = AttachmentLimits.ceiling.problem(size: size, caseBytes: caseBytes) { throw payload.fail("size", problem) }
        let typeName = try payload.string("mediaType")
        guard let type = FileMediaType(rawValue: typeName) else {
            throw payload.fail("mediaType", "只接受 " + FileMediaType.allCases.map(\.rawValue).joined(separator: "、"))
        }
        let name = try payload.string("fileName")
        if let problem = fileNameProblem(name) { throw payload.fail("fileName", problem) }
        return Attachment(purpose: purpose, material: material, sha256: sha, size: size, mediaType: type, fileName: name,
                          by: change.origin, actor: change.actor, on: change.wallDate)
    }
}

extension CaseState {
    /// Bytes of every distinct file the case carries (a file attached twice counts once).
    public var attachmentBytes: Int64 {
        var seen = Set<String>()
        return attachments.reduce(0) { total, file in seen.insert(file.sha256).inserted ? total + file.size : total }
    }
}
