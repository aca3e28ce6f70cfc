import Foundation
import LiandongDomain
import LiandongStore
import XCTest

/// The USB bundle (issue 12 item 5, Protocol/bundle.md) with real processes and data directories:
/// a village with no link hands its work to the township on paper (`bundle export` / `bundle
/// import`), the township relays it to the county over HTTP, the county's decision comes back to
/// the township over HTTP and to the village by a return bundle. Altered bundles are refused
/// whole; a second import changes nothing; afterwards the HTTP lanes send nothing twice.
final class BundleEndToEndTests: XCTestCase {
    private var cluster: Cluster!

    static let township = "330106109"
    static let village = "330106109201"
    static let item = BlobLaneEndToEndTests.item
    static let materials = BlobLaneEndToEndTests.materials

    override func setUpWithError() throws { cluster = try Cluster() }

    override func tearDown() {
        cluster?.shutdown()
        cluster = nil
    }

    private func blobPath(_ node: ClusterNode, _ sha: String) -> String { node.directory + "/attachments/" + sha.prefix(2) + "/" + sha }

    private func holds(_ node: ClusterNode, _ sha: String, sameAs original: String) -> Bool {
        FileManager.default.contentsEqual(atPath: blobPath(node, sha), andPath: original)
    }

    /// A copy of `path` with one byte flipped at `offset` (counted from the end when negative).
    private func tampered(_ path: String, at offset: Int, name: String) throws -> String {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[offset >= 0 ? offset : bytes.count + offset] ^= 0x20
        let copy = cluster.file(name)
        try bytes.write(to: URL(fileURLWithPath: copy))
        return copy
    }

    private func refusedWhole(_ node: ClusterNode, _ bundle: String, code: String..., file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try node.run("bundle", "import", bundle, "--json")
        XCTAssertNotEqual(result.exitCode, 0, result.transcript, file: file, line: line)
        XCTAssertTrue(code.contains((try? result.object())?["error"] as? String ?? ""), result.transcript, file: file, line: line)
        XCTAssertTrue(result.stderr.contains("整包拒收"), result.transcript, file: file, line: line)
    }

    /// County and township serving, the township holding the catalog; the village enrolled (over
    /// HTTP, once) and not serving: from here on it exchanges only what the test carries.
    private func makeTree() throws -> (ClusterNode, ClusterNode, ClusterNode) {
        let county = try cluster.county()
        let township = try cluster.enroll(code: Self.township, role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let village = try cluster.enroll(code: Self.village, role: "village", name: "绕城村代办点", under: township)
        let townshipStore = try NodeStore.open(directory: township.directory)
        try cluster.waitUntil("the catalog never reached the township") { try townshipStore.item(code: Self.item) != nil }
        return (county, township, village)
    }

    /// A case accepted at `node` with a scan of `size` bytes attached, forwarded up; its number and the scan's SHA-256.
    private func acceptWithScanAndForward(at node: ClusterNode, scan: String, size: Int) throws -> (String, String) {
        let accepted = try node.run(TestNode.acceptArguments(item: Self.item, materials: Self.materials) + ["--json"])
        let number = try XCTUnwrap(try accepted.object()["number"] as? String, accepted.transcript)
        try AttachmentEndToEndTests.write(scan, magic: AttachmentEndToEndTests.pdf, size: size)
        let attached = try node.object("case", "attach", number, "--material", "disability_certificate", scan)
        let sha = try XCTUnwrap((attached["attachments"] as? [[String: Any]])?.last?["sha256"] as? String)
        try node.mustRun("case", "forward", number)
        return (number, sha)
    }

    func testAVillageOnPaperRoundTripsThroughTheTownshipAndHTTPCarriesOnWithNothingTwice() throws {
        let (county, township, village) = try makeTree()

        // The first return bundle brings the catalog, calendar and registry down on paper.
        let down1 = cluster.file("down1.ldbundle")
        let exported = try township.object("bundle", "export", "--for", Self.village, "--to", down1)
        XCTAssertGreaterThan(exported["changes"] as? Int ?? 0, 0)
        let first = try village.object("bundle", "import", down1)
        XCTAssertGreaterThan(first["stored"] as? Int ?? 0, 0, "\(first)")
        XCTAssertNotNil(try NodeStore.open(directory: village.directory).item(code: Self.item), "the catalog came by bundle")

        // The village accepts a case with a 3 MB scan and forwards it: all of it goes up on paper.
        let scan = cluster.file("scan.pdf")
        let (number, sha) = try acceptWithScanAndForward(at: village, scan: scan, size: 3 << 20)
        let up1 = cluster.file("up1.ldbundle")
        let up = try village.object("bundle", "export", "--to", up1)
        XCTAssertEqual(up["files"] as? Int, 1, "\(up)")

        // Altered anywhere (a file byte, a header byte, the signature), it is refused whole.
        try refusedWhole(township, try tampered(up1, at: -100_000, name: "bad-file.ldbundle"), code: "bundle_bad_signature")
        try refusedWhole(township, try tampered(up1, at: 40, name: "bad-header.ldbundle"), code: "bundle_damaged", "bundle_bad_signature")
        try refusedWhole(township, try tampered(up1, at: -1, name: "bad-signature.ldbundle"), code: "bundle_bad_signature")
        // Signed by its writer but carrying a file whose bytes are not its hash: refused whole too.
        let original = try Data(contentsOf: URL(fileURLWithPath: blobPath(village, sha)))
        var damaged = original
        damaged[2 << 20] ^= 0x01
        try damaged.write(to: URL(fileURLWithPath: blobPath(village, sha)))
        let badBlob = cluster.file("bad-blob.ldbundle")
        try village.mustRun("bundle", "export", "--to", badBlob)
        try original.write(to: URL(fileURLWithPath: blobPath(village, sha)))
        try refusedWhole(township, badBlob, code: "bundle_blob_hash_mismatch")
        XCTAssertNil(try township.caseAt(number), "nothing of a refused bundle was applied")

        let started = Date()
        let imported = try township.object("bundle", "import", up1)
        let importSeconds = Date().timeIntervalSince(started)
        XCTAssertGreaterThan(imported["stored"] as? Int ?? 0, 0, "\(imported)")
        XCTAssertEqual(imported["filesInstalled"] as? Int, 1, "\(imported)")
        XCTAssertTrue(holds(township, sha, sameAs: scan))
        XCTAssertEqual(try township.caseAt(number)?["holder"] as? String, Self.township)
        // A second import changes nothing.
        let changesAtTownship = try township.count("SELECT count(*) FROM changes")
        let again = try township.object("bundle", "import", up1)
        XCTAssertEqual(again["stored"] as? Int, 0, "\(again)")
        XCTAssertEqual(again["filesInstalled"] as? Int, 0, "\(again)")
        XCTAssertEqual(try township.count("SELECT count(*) FROM changes"), changesAtTownship)

        // The township relays over HTTP: the case and its scan reach the county, which approves.
        try township.mustRun("case", "forward", number)
        try cluster.waitUntil("the forward never reached the county", within: 60) { try county.caseAt(number)?["holder"] as? String == "330106" }
        try cluster.waitUntil("the scan never reached the county", within: 120) { self.holds(county, sha, sameAs: scan) }
        try county.mustRun("case", "approve", number)
        try cluster.waitUntil("the decision never reached the township", within: 60) { try township.caseAt(number)?["state"] as? String == "approved" }

        // The decision comes back by return bundle; altered, it is refused whole.
        let down2 = cluster.file("down2.ldbundle")
        try township.mustRun("bundle", "export", "--for", Self.village, "--to", down2)
        try refusedWhole(village, try tampered(down2, at: -200, name: "bad-down.ldbundle"), code: "bundle_damaged", "bundle_bad_signature")
        XCTAssertNotEqual(try village.caseAt(number)?["state"] as? String, "approved")
        let back = try village.object("bundle", "import", down2)
        XCTAssertGreaterThan(back["stored"] as? Int ?? 0, 0, "\(back)")
        XCTAssertEqual(try village.caseAt(number)?["state"] as? String, "approved")
        let changesAtVillage = try village.count("SELECT count(*) FROM changes")
        XCTAssertEqual(try village.object("bundle", "import", down2)["stored"] as? Int, 0)
        XCTAssertEqual(try village.count("SELECT count(*) FROM changes"), changesAtVillage)
        // Carried to the wrong node, a bundle is not applied.
        try refusedWhole(county, down2, code: "bundle_wrong_receiver")

        // The link comes back: HTTP carries on from where the bundles left it, nothing sent twice.
        let synced = try village.syncOnce()
        XCTAssertEqual(synced["sent"] as? Int, 0, "the township already holds everything: \(synced)")
        XCTAssertEqual(synced["received"] as? Int, synced["pulled"] as? Int, "every change pulled was new: \(synced)")
        let files = try XCTUnwrap(synced["blobs"] as? [String: Any])
        XCTAssertEqual(files["uploadedBytes"] as? Int, 0, "\(synced)")
        XCTAssertEqual(files["downloadedBytes"] as? Int, 0, "\(synced)")
        // And a later change goes the normal way.
        try village.mustRun("case", "attach", number, "--material", "id_card", scan)
        let later = try village.syncOnce()
        XCTAssertEqual(later["sent"] as? Int, later["pushed"] as? Int, "\(later)")
        XCTAssertGreaterThan(later["pushed"] as? Int ?? 0, 0, "\(later)")
        for node in [village, township, county] { XCTAssertTrue(try node.verifyClean(), "verify at \(node.code)") }
        print("bundle: up bundle \(up["bytes"] ?? 0) B with \(up["changes"] ?? 0) changes imported in \(String(format: "%.2f", importSeconds)) s")
    }

    /// Both hops on paper: village → township → county with the case and its scan, and the
    /// decision with its result document county → township → village, no HTTP exchange at all
    /// once enrolled. Afterwards each side knows what the other holds: exporting again writes nothing.
    func testEveryHopOnPaperBothWaysThroughTheTownship() throws {
        let (county, township, village) = try makeTree()
        township.stopServer()
        func carry(_ from: ClusterNode, _ to: ClusterNode, for child: String? = nil, _ name: String) throws -> [String: Any] {
            let path = cluster.file(name)
            let exported = try from.run(["bundle", "export", "--to", path] + (child.map { ["--for", $0] } ?? []))
            guard exported.succeeded else { throw E2EFailure(exported.transcript) }
            return try to.object("bundle", "import", path)
        }
        _ = try carry(township, village, for: Self.village, "catalog.ldbundle")

        let scan = cluster.file("scan.pdf")
        let (number, sha) = try acceptWithScanAndForward(at: village, scan: scan, size: 1 << 20)
        XCTAssertEqual(try carry(village, township, "v-up.ldbundle")["filesInstalled"] as? Int, 1)
        try township.mustRun("case", "forward", number)
        let relayed = try carry(township, county, "t-up.ldbundle")
        XCTAssertEqual(relayed["filesInstalled"] as? Int, 1, "\(relayed)")
        XCTAssertTrue(holds(county, sha, sameAs: scan), "the village's scan reached the county on paper")
        XCTAssertEqual(try county.caseAt(number)?["holder"] as? String, "330106")

        try county.mustRun("case", "approve", number)
        let licence = cluster.file("决定书.pdf")
        try AttachmentEndToEndTests.write(licence, magic: AttachmentEndToEndTests.pdf, size: 300_000)
        let issued = try county.run(["case", "issue", number, "--file", licence, "--json"])
        let result = try XCTUnwrap((try issued.object()["attachments"] as? [[String: Any]])?.last?["sha256"] as? String, issued.transcript)
        XCTAssertEqual(try carry(county, township, for: Self.township, "c-down.ldbundle")["filesInstalled"] as? Int, 1)
        let back = try carry(township, village, for: Self.village, "t-down.ldbundle")
        XCTAssertEqual(back["filesInstalled"] as? Int, 1, "\(back)")
        XCTAssertTrue(holds(village, result, sameAs: licence), "the result document reached the village on paper")
        let state = try XCTUnwrap(try village.caseAt(number))
        XCTAssertEqual(state["stateHash"] as? String, try county.stateHash(number), "the village and the county agree on the case")

        // What each side learned from the other's bundle: nothing is written twice.
        let again = try village.object("bundle", "export", "--to", cluster.file("v-up-2.ldbundle"))
        XCTAssertEqual(again["changes"] as? Int, 0, "\(again)")
        XCTAssertEqual(again["files"] as? Int, 0, "\(again)")
        // The village's bundle, even an empty one, tells the township how far it has read.
        XCTAssertEqual(try township.object("bundle", "import", cluster.file("v-up-2.ldbundle"))["received"] as? Int, 0)
        let down = try township.object("bundle", "export", "--for", Self.village, "--to", cluster.file("t-down-2.ldbundle"))
        XCTAssertEqual(down["changes"] as? Int, 0, "\(down)")
        for node in [village, township, county] { XCTAssertTrue(try node.verifyClean(), "verify at \(node.code)") }
    }
}
