import Foundation
import LiandongDomain
import LiandongStore
import LiandongSync
import XCTest

/// Protocol/vectors/bundle.json: a bundle written from fixed inputs with the township key of
/// vectors/changes.json must come out byte for byte (Ed25519 is deterministic), open, and be
/// refused whole once any byte of it changes. `LIANDONG_WRITE_VECTORS=1` rewrites the vector.
final class BundleVectorTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let file = root.appendingPathComponent("Protocol/vectors/bundle.json")
    static let content = Array("%PDF-1.7\n% liandong bundle vector\n%%EOF\n".utf8)

    var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "bundle-vector-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    /// The vector's inputs: the county's first change of vectors/changes.json, going down from the township to a village, with one file.
    func makeBundle() throws -> (bytes: [UInt8], key: Ed25519SigningKey) {
        let changes = try JSONParser.parse(Array(try Data(contentsOf: Self.root.appendingPathComponent("Protocol/vectors/changes.json"))))
        let keys = try XCTUnwrap(changes["keys"]?.arrayValue)
        let seed = try XCTUnwrap(keys.first { $0["origin"]?.stringValue == "330106109" }?["seed"]?.stringValue.flatMap(Hex.decode))
        let key = try Ed25519SigningKey(seed: seed)
        let wire = try JSONParser.parse(Array(try XCTUnwrap(changes["changes"]?.arrayValue?.first?["wire"]?.stringValue).utf8))
        let change = try Change(wire: wire)
        let source = directory + "/vector.pdf"
        try Data(Self.content).write(to: URL(fileURLWithPath: source))
        let blobs = BlobStore(directory: directory)
        let facts = try blobs.put(file: source).facts
        var header = BundleHeader(from: "330106109", to: "330106109201", direction: .down, createdAt: 1_794_985_260_000,
                                  heads: [change.origin: Head(seq: change.seq, hash: change.hash)], changes: [wire],
                                  files: [BundleHeader.File(sha256: facts.sha256, size: Int64(Self.content.count))])
        header.epoch = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
        header.after = 0
        header.next = 1
        header.held = [facts.sha256]
        let path = directory + "/vector.ldbundle"
        try BundleFile.write(header, blobs: blobs, to: path, sign: key.sign)
        return (Array(try Data(contentsOf: URL(fileURLWithPath: path))), key)
    }

    func testTheBundleVectorIsReproducedOpensAndAnyChangedByteRefusesItWhole() throws {
        let (bytes, key) = try makeBundle()
        if ProcessInfo.processInfo.environment["LIANDONG_WRITE_VECTORS"] == "1" {
            let vector: JSONValue = [
                "about": .string("A USB bundle (Protocol/bundle.md): the township key of vectors/changes.json (code 330106109) writes a return bundle for village 330106109201 carrying the county's first change of vectors/changes.json and one file. 'hex' is every byte of the file; 'signed' the text the last 64 bytes sign. Written by BundleVectorTests (LIANDONG_WRITE_VECTORS=1), checked by tools/check_vectors.py."),
                "signer": "330106109", "publicKey": .string(Hex.encode(key.publicKey)),
                "file": .string(String(decoding: Self.content, as: UTF8.self)),
                "signed": .string(String(decoding: BundleFile.signedText(digest: SHA256.hash(Array(bytes.dropLast(64)))), as: UTF8.self)),
                "hex": .string(Hex.encode(bytes)),
            ]
            try Data((vector.prettyString + "\n").utf8).write(to: Self.file)
        }
        let vector = try JSONParser.parse(Array(try Data(contentsOf: Self.file)))
        XCTAssertEqual(Hex.encode(bytes), vector["hex"]?.stringValue, "the bundle's bytes match Protocol/vectors/bundle.json")
        let path = directory + "/vector.ldbundle"
        let opened = try BundleFile.open(path) { _ in key.publicKey }
        XCTAssertEqual(opened.header.files.first?.size, Int64(Self.content.count))
        XCTAssertEqual(try opened.read(file: 0, offset: 0, limit: 1 << 20), Self.content)
        // Every single flipped byte is refused, whichever check catches it.
        for offset in stride(from: 0, to: bytes.count, by: 7) {
            var altered = bytes
            altered[offset] ^= 0x01
            try Data(altered).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try BundleFile.open(path) { _ in key.publicKey }, "byte \(offset) flipped") { error in
                XCTAssertTrue((error as? SyncError)?.code.hasPrefix("bundle_") == true, "\(error)")
            }
        }
        // Another node's key does not open it.
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let other = try Ed25519SigningKey()
        XCTAssertThrowsError(try BundleFile.open(path) { _ in other.publicKey }) { XCTAssertEqual(($0 as? SyncError)?.code, "bundle_bad_signature") }
        // Cut short or lengthened, too.
        try Data(bytes.dropLast(1)).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try BundleFile.open(path) { _ in key.publicKey })
        try Data(bytes + [0]).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try BundleFile.open(path) { _ in key.publicKey })
    }
}
