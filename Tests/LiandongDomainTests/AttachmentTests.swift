import XCTest
@testable import LiandongDomain

/// Files a case carries (issue 12): types judged by content, limits, and the `case.attached` change.
final class AttachmentTests: XCTestCase {
    typealias F = CaseFixtures
    let sha = String(repeating: "ab", count: 32)

    func testTypesAreJudgedByContentNotByName() {
        XCTAssertEqual(FileMediaType.sniff(head: Array("%PDF-1.7\n".utf8), tail: []), .pdf)
        XCTAssertEqual(FileMediaType.sniff(head: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], tail: []), .png)
        XCTAssertEqual(FileMediaType.sniff(head: [0xFF, 0xD8, 0xFF, 0xE0], tail: []), .jpeg)
        XCTAssertNil(FileMediaType.sniff(head: Array("MZ\u{90}\0".utf8), tail: []), "an executable is no scan")
        XCTAssertNil(FileMediaType.sniff(head: Array("PDF-1.7".utf8), tail: []), "the magic is at the very start")
        XCTAssertNil(FileMediaType.sniff(head: [], tail: []))
    }

    /// A ZIP is OFD when OFD.xml is its first entry or in its central directory; any other ZIP is refused.
    func testAZipIsOFDOnlyWithOFDXmlAtItsRoot() {
        func local(_ name: String) -> [UInt8] {
            [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 22) + [UInt8(name.utf8.count), 0, 0, 0] + Array(name.utf8)
        }
        func central(_ name: String) -> [UInt8] {
            [0x50, 0x4B, 0x01, 0x02] + [UInt8](repeating: 0, count: 24) + [UInt8(name.utf8.count), 0] + [UInt8](repeating: 0, count: 16) + Array(name.utf8)
        }
        XCTAssertEqual(FileMediaType.sniff(head: local("OFD.xml"), tail: []), .ofd)
        XCTAssertEqual(FileMediaType.sniff(head: local("Doc_0/Document.xml"), tail: central("Doc_0/Document.xml") + central("OFD.xml")), .ofd)
        XCTAssertNil(FileMediaType.sniff(head: local("word/document.xml"), tail: central("word/document.xml")), "a .docx is not OFD")
        XCTAssertNil(FileMediaType.sniff(head: local("a/OFD.xml"), tail: central("a/OFD.xml")), "OFD.xml must be at the root")
    }

    func testLimitsPerFileAndPerCase() {
        let limits = AttachmentLimits(maxFileBytes: 100, maxCaseBytes: 250)
        XCTAssertNil(limits.problem(size: 100, caseBytes: 150))
        XCTAssertNotNil(limits.problem(size: 101, caseBytes: 0))
        XCTAssertNotNil(limits.problem(size: 100, caseBytes: 151))
        XCTAssertNotNil(limits.problem(size: 0, caseBytes: 0))
        XCTAssertLessThanOrEqual(AttachmentLimits.standard.maxFileBytes, AttachmentLimits.ceiling.maxFileBytes)
        XCTAssertEqual(AttachmentLimits.describe(20 << 20), "20.0 MB")
    }

    func testFileNamesCannotClimbOutOfTheExportFolder() {
        XCTAssertNil(Attachment.fileNameProblem("身份证 正面.jpg"))
        XCTAssertNotNil(Attachment.fileNameProblem("../node.key"))
        XCTAssertNotNil(Attachment.fileNameProblem("a\\b.pdf"))
        XCTAssertNotNil(Attachment.fileNameProblem(""))
        XCTAssertNotNil(Attachment.fileNameProblem("a\nb.pdf"))
    }

    private func file(_ material: String, sha: String? = nil, size: Int64 = 1_000) -> JSONValue {
        ["material": .string(material), "sha256": .string(sha ?? self.sha), "size": .int(size), "mediaType": "image/jpeg", "fileName": "id.jpg"]
    }

    func testAnyPartyAttachesAPageOfAKnownMaterialOnceAndTheTimelineSaysSo() throws {
        var h = F.History()
        let accepted = h.acceptance()
        let state = try F.fold([accepted, h.make(F.village, .attach, file("id_card")), h.make(F.village, .attach, file("id_card"))])
        XCTAssertEqual(state.attachments.count, 1, "the same file for the same material is one attachment")
        XCTAssertEqual(state.attachments.first?.purpose, .material)
        XCTAssertEqual(state.attachments.first?.by, F.village)
        XCTAssertEqual(state.attachmentBytes, 1_000)
        XCTAssertTrue(state.timeline.last?.summary.hasPrefix("上传材料：居民身份证") == true, state.timeline.last?.summary ?? "")
        XCTAssertEqual(state.json["attachments"]?.arrayValue?.count, 1)
        let plain = try F.fold([accepted])
        XCTAssertNil(plain.json["attachments"], "a case without files keeps its state (and state hash) as before")
    }

    func testAnAttachmentIsRefusedForAnUnknownMaterialABadHashAStrangerOrAboveTheCeiling() throws {
        var h = F.History()
        let accepted = h.acceptance()
        XCTAssertThrowsError(try F.fold([accepted, h.make(F.village, .attach, file("passport"))]))
        XCTAssertThrowsError(try F.fold([accepted, h.make(F.village, .attach, file("id_card", sha: "ABC"))]))
        XCTAssertThrowsError(try F.fold([accepted, h.make(F.village, .attach, file("id_card", size: AttachmentLimits.ceiling.maxFileBytes + 1))]))
        XCTAssertThrowsError(try F.fold([accepted, h.make(F.otherTownship, .attach, file("id_card"))])) { error in
            guard case CaseError.notAuthorized = error else { return XCTFail("\(error)") }
        }
        var bad = file("id_card").objectValue ?? [:]
        bad["mediaType"] = "application/x-msdownload"
        XCTAssertThrowsError(try F.fold([accepted, h.make(F.village, .attach, .object(bad))]))
    }

    func testTheResultDocumentRidesInTheIssueChange() throws {
        var h = F.History()
        let changes = [
            h.acceptance(at: F.county),
            h.make(F.county, .approve),
            h.make(F.county, .issue, ["file": ["sha256": .string(sha), "size": 5_000, "mediaType": "application/ofd", "fileName": "许可证.ofd"]]),
        ]
        let state = try F.fold(changes)
        XCTAssertEqual(state.status, .resultReady)
        XCTAssertEqual(state.attachments.map(\.purpose), [.result])
        XCTAssertEqual(state.attachments.first?.mediaType, .ofd)
    }

    func testAWithdrawnCaseTakesNoMoreFilesAndTheWorkbenchShowsNoAttachButton() throws {
        var h = F.History()
        let state = try F.fold([h.acceptance(), h.make(F.village, .withdraw, ["reason": "申请人撤回"])])
        XCTAssertThrowsError(try CaseReducer.apply(h.make(F.village, .attach, file("id_card")), to: state))
        XCTAssertFalse(StaffPermission.caseActions(for: [.acceptor], in: .accepted).contains(.attach))
        XCTAssertTrue(StaffPermission.attach.isGranted(to: [.reviewer]))
    }
}
