import Foundation
import XCTest

/// Files a case carries (issue 12), through the binary: attach, show, export, status, verify,
/// backup and restore; types judged by content.
final class AttachmentEndToEndTests: XCTestCase {
    /// A file of `size` bytes starting with `magic`, the rest random (so it does not compress).
    static func write(_ path: String, magic: [UInt8], size: Int) throws {
        var bytes = magic
        var generator = SystemRandomNumberGenerator()
        while bytes.count < size { bytes.append(UInt8.random(in: 0...255, using: &generator)) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static let pdf: [UInt8] = Array("%PDF-1.7\n".utf8)
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0]

    static func blobPath(_ node: TestNode, _ sha: String) -> String {
        node.directory + "/attachments/" + sha.prefix(2) + "/" + sha
    }

    func testAFileIsAttachedShownExportedCountedVerifiedAndBackedUp() throws {
        let node = try TestNode.county()
        let number = try node.acceptNumber(.oldAgeAllowance)
        let scan = node.file("身份证.pdf")
        try Self.write(scan, magic: Self.pdf, size: 3 << 20)
        let attached = try node.object("case", "attach", number, "--material", "id_card", scan)
        let files = try XCTUnwrap(attached["attachments"] as? [[String: Any]])
        XCTAssertEqual(files.count, 1)
        let sha = try XCTUnwrap(files.first?["sha256"] as? String)
        XCTAssertEqual(files.first?["mediaType"] as? String, "application/pdf")
        XCTAssertEqual(files.first?["size"] as? Int, 3 << 20)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: Self.blobPath(node, sha))), try Data(contentsOf: URL(fileURLWithPath: scan)))

        // The same bytes again, for the same material: one file, one attachment.
        _ = try node.object("case", "attach", number, "--material", "id_card", scan)
        let shown = try node.show(number)
        XCTAssertEqual((shown["files"] as? [[String: Any]])?.count, 1)
        XCTAssertEqual((shown["files"] as? [[String: Any]])?.first?["present"] as? Bool, true)
        let text = try node.run("case", "show", number)
        XCTAssertTrue(text.stdout.contains("身份证.pdf"), text.transcript)

        // Judged by content: an executable named .jpg is refused and nothing is recorded.
        let fake = node.file("photo.jpg")
        try Data("MZ\u{90}\0 this is not a photo".utf8).write(to: URL(fileURLWithPath: fake))
        let refused = try node.failing("case", "attach", number, "--material", "photo", fake, "--json")
        XCTAssertEqual(try refused.object()["error"] as? String, "file_type_refused", refused.transcript)
        // Too large for one file (20 MB).
        let huge = node.file("huge.pdf")
        try Self.write(huge, magic: Self.pdf, size: (20 << 20) + 1)
        let tooLarge = try node.failing("case", "attach", number, "--material", "household_register", huge, "--json")
        XCTAssertEqual(try tooLarge.object()["error"] as? String, "file_too_large", tooLarge.transcript)
        // A material the item does not list: the change is refused and the new file is not kept.
        let photo = node.file("户口簿.jpg")
        try Self.write(photo, magic: Self.jpeg, size: 50_000)
        let unknown = try node.failing("case", "attach", number, "--material", "passport", photo, "--json")
        XCTAssertFalse(unknown.succeeded)
        XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: node.directory + "/attachments").filter { $0.count > 3 }.count, 1)
        _ = try node.object("case", "attach", number, "--material", "household_register", photo)

        let blobs = try XCTUnwrap(try node.status()["blobs"] as? [String: Any])
        XCTAssertEqual(blobs["referenced"] as? Int, 2)
        XCTAssertEqual(blobs["present"] as? Int, 2)
        XCTAssertEqual(blobs["presentBytes"] as? Int, (3 << 20) + 50_000)
        XCTAssertEqual(try node.object("verify")["ok"] as? Bool, true)

        let folder = node.file("export")
        let exported = try node.object("case", "files", number, "--to", folder)
        let written = try XCTUnwrap(exported["written"] as? [String])
        XCTAssertEqual(written.count, 2)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: written[0])), try Data(contentsOf: URL(fileURLWithPath: scan)))

        // Backup and restore bring the files back.
        let backup = node.file("county.ldbk")
        _ = try node.object("backup", "--to", backup)
        let newPC = try TestNode()
        let restored = try Liandong.run(["restore", "--data", newPC.directory, "--from", backup, "--json"], now: TestNode.defaultNow)
        XCTAssertTrue(restored.succeeded, restored.transcript)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: Self.blobPath(newPC, sha))), try Data(contentsOf: URL(fileURLWithPath: scan)))
        XCTAssertEqual(try newPC.object("verify")["ok"] as? Bool, true)
        XCTAssertEqual((try newPC.status()["blobs"] as? [String: Any])?["present"] as? Int, 2)

        // A blob altered on disk, or gone at the node that attached it, fails verify.
        let path = Self.blobPath(node, sha)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[1000] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
        let damaged = try node.failing("verify", "--json")
        XCTAssertTrue(damaged.stdout.contains("blob_damaged") || damaged.stderr.contains("blob_damaged"), damaged.transcript)
        try FileManager.default.removeItem(atPath: path)
        let missing = try node.failing("verify", "--json")
        XCTAssertTrue(missing.stdout.contains("blob_missing") || missing.stderr.contains("blob_missing"), missing.transcript)
    }

    func testTheResultDocumentIsIssuedWithItsFile() throws {
        let node = try TestNode.county()
        let number = try node.acceptNumber(.oldAgeAllowance)
        try node.act("approve", number)
        let licence = node.file("决定书.pdf")
        try Self.write(licence, magic: Self.pdf, size: 200_000)
        let issued = try node.act("issue", number, "--file", licence)
        XCTAssertEqual(issued["state"] as? String, "result_ready")
        let shown = try node.show(number)
        let files = try XCTUnwrap(shown["files"] as? [[String: Any]])
        XCTAssertEqual(files.first?["purpose"] as? String, "result")
        XCTAssertEqual(files.first?["fileName"] as? String, "决定书.pdf")
    }
}
