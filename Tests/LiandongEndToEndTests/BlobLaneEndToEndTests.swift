import Foundation
import LiandongDomain
import LiandongStore
import XCTest

/// The blob lane (issue 12, Protocol/blobs.md) with real `serve` processes: county ← township ←
/// village, each child behind a FaultProxy. A multi-MB scan attached at the village reaches the
/// county through the township over a link that drops every few hundred KB and arrives intact;
/// the result document comes down to the village; a file altered at the township is refused at
/// the county; a decision is not held back by a file on the way.
final class BlobLaneEndToEndTests: XCTestCase {
    private var cluster: Cluster!
    private var proxies: [FaultProxy] = []

    static let township = "330106109"
    static let village = "330106109201"
    /// 残疾人两项补贴: accepted at villages, decided at the county.
    static let item = "000105015000"
    static let materials = ["application", "id_card", "disability_certificate", "low_income_proof"]

    override func setUpWithError() throws { cluster = try Cluster() }

    override func tearDown() {
        proxies.forEach { $0.stop() }
        proxies = []
        cluster?.shutdown()
        cluster = nil
    }

    private func makeTree() throws -> (ClusterNode, ClusterNode, ClusterNode, FaultProxy, FaultProxy) {
        let county = try cluster.county()
        let up = try FaultProxy(upstreamPort: county.port, seed: 12)
        proxies.append(up)
        let township = try cluster.enroll(code: Self.township, role: "township", name: "三墩镇便民服务中心", under: county, serve: true, via: up.url)
        let down = try FaultProxy(upstreamPort: township.port, seed: 13)
        proxies.append(down)
        let village = try cluster.enroll(code: Self.village, role: "village", name: "绕城村代办点", under: township, serve: true, via: down.url)
        let store = try NodeStore.open(directory: village.directory)
        try cluster.waitUntil("the catalog never reached the village") { try store.item(code: Self.item) != nil }
        return (county, township, village, up, down)
    }

    private func accept(at node: ClusterNode) throws -> String {
        let result = try node.run(TestNode.acceptArguments(item: Self.item, materials: Self.materials) + ["--json"])
        guard result.succeeded, let number = try result.object()["number"] as? String else { throw E2EFailure(result.transcript) }
        return number
    }

    private func attach(_ node: ClusterNode, _ number: String, material: String, file: String) throws -> String {
        let result = try node.run(["case", "attach", number, "--material", material, file, "--json"])
        guard result.succeeded, let files = try result.object()["attachments"] as? [[String: Any]],
            let sha = files.last?["sha256"] as? String
        else { throw E2EFailure(result.transcript) }
        return sha
    }

    private func blobPath(_ node: ClusterNode, _ sha: String) -> String { node.directory + "/attachments/" + sha.prefix(2) + "/" + sha }

    private func holds(_ node: ClusterNode, _ sha: String, sameAs original: String) -> Bool {
        FileManager.default.contentsEqual(atPath: blobPath(node, sha), andPath: original)
    }

    func testAScanClimbsAFlakyLinkIntactTheResultComesDownAndAnAlteredCopyIsRefused() throws {
        let (county, township, village, up, down) = try makeTree()
        let number = try accept(at: village)

        // 6 MB over a village link that drops every few hundred KB.
        down.set(FaultProxy.Faults(cutProbability: 1.0, maxBytesBeforeCut: 700 * 1024))
        let scan = cluster.file("scan.pdf")
        try AttachmentEndToEndTests.write(scan, magic: AttachmentEndToEndTests.pdf, size: 6 << 20)
        let started = Date()
        let sha = try attach(village, number, material: "disability_certificate", file: scan)
        // The case (its change) is at the county long before the file: the lanes are apart.
        try cluster.waitUntil("the attaching change never reached the county", within: 30) {
            (try county.caseAt(number)?["attachments"] as? [[String: Any]])?.count == 1
        }
        let changeArrived = Date().timeIntervalSince(started)
        // While the scan climbs, the case goes up and the county's decision comes down on the change lanes.
        try village.mustRun("case", "forward", number)
        try cluster.waitUntil("the forward never reached the township", within: 60) { try township.caseAt(number)?["holder"] as? String == Self.township }
        try township.mustRun("case", "forward", number)
        try cluster.waitUntil("the forward never reached the county", within: 60) { try county.caseAt(number)?["holder"] as? String == "330106" }
        try county.mustRun("case", "approve", number)
        let approved = Date()
        try cluster.waitUntil("the decision never reached the village", within: 60) { try village.caseAt(number)?["state"] as? String == "approved" }
        let decisionDelay = Date().timeIntervalSince(approved)
        let decisionBeforeFile = !holds(county, sha, sameAs: scan)
        try cluster.waitUntil("the scan never reached the county intact", within: 300) { self.holds(county, sha, sameAs: scan) }
        let fileArrived = Date().timeIntervalSince(started)
        XCTAssertTrue(holds(township, sha, sameAs: scan))
        XCTAssertGreaterThan(down.stats.cuts, 3, "the link was cut during the transfer (\(down.stats))")
        print("blob lane: change at county after \(changeArrived) s; decision at village \(decisionDelay) s after approval"
            + " (file still on its way: \(decisionBeforeFile)); 6 MB scan at county after \(fileArrived) s; \(down.stats.cuts) cuts")
        XCTAssertTrue(try county.verifyClean())
        down.set(.none)

        // The county decides and issues the result document with its file: it comes down to the village.
        let licence = cluster.file("决定书.pdf")
        try AttachmentEndToEndTests.write(licence, magic: AttachmentEndToEndTests.pdf, size: 400_000)
        let issued = try county.run(["case", "issue", number, "--file", licence, "--json"])
        XCTAssertTrue(issued.succeeded, issued.transcript)
        let result = try XCTUnwrap((try issued.object()["attachments"] as? [[String: Any]])?.last?["sha256"] as? String)
        try cluster.waitUntil("the result document never reached the village", within: 60) { self.holds(village, result, sameAs: licence) }

        // Altered at the township while its link up is down: the county refuses the copy whole.
        up.outage(true)
        let photo = cluster.file("photo.jpg")
        try AttachmentEndToEndTests.write(photo, magic: AttachmentEndToEndTests.jpeg, size: 900_000)
        let altered = try attach(village, number, material: "id_card", file: photo)
        try cluster.waitUntil("the photo never reached the township", within: 60) { self.holds(township, altered, sameAs: photo) }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: blobPath(township, altered)))
        bytes[500_000] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: blobPath(township, altered)))
        up.outage(false)
        try cluster.waitUntil("the township never heard the county refuse the altered photo", within: 60) {
            let status = try township.object("status")
            let transfers = (status["blobs"] as? [String: Any])?["transfers"] as? [[String: Any]] ?? []
            return transfers.contains { ($0["reason"] as? String)?.contains("blob_hash_mismatch") == true && $0["case"] as? String == number }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: blobPath(county, altered)), "the county keeps no altered copy")
        let countyFiles = try XCTUnwrap(try county.object("case", "show", number)["files"] as? [[String: Any]])
        XCTAssertEqual(countyFiles.first { $0["sha256"] as? String == altered }?["present"] as? Bool, false)
        let shown = try county.run("case", "show", number)
        XCTAssertTrue(shown.stdout.contains("材料传输中"), shown.transcript)
        XCTAssertFalse(try township.verifyClean(), "verify at the township names the damaged file")
    }

    /// A parent killed (SIGKILL) in the middle of an upload keeps the chunks it fsynced; once it is
    /// back, the child asks what it holds and sends only the rest.
    func testAParentKilledMidTransferResumesWithoutStartingOver() throws {
        let county = try cluster.county()
        let township = try cluster.enroll(code: Self.township, role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let store = try NodeStore.open(directory: township.directory)
        try cluster.waitUntil("the catalog never reached the township") { try store.item(code: Self.item) != nil }
        let number = try accept(at: township)
        let scan = cluster.file("scan.pdf")
        let size = 16 << 20
        try AttachmentEndToEndTests.write(scan, magic: AttachmentEndToEndTests.pdf, size: size)
        let sha = try attach(township, number, material: "disability_certificate", file: scan)
        let partial = county.directory + "/blob-partial/" + sha + ".part"
        func held() -> Int { ((try? FileManager.default.attributesOfItem(atPath: partial))?[.size] as? Int) ?? 0 }
        XCTAssertTrue(eventually(within: 60) { held() >= 2 << 20 }, "the upload never got going")
        county.killServer()
        let kept = held()
        XCTAssertGreaterThan(kept, 0)
        XCTAssertLessThan(kept, size, "killed before the end")
        try county.startServer(samePort: true)
        try cluster.waitUntil("the scan never reached the county after the restart", within: 120) { self.holds(county, sha, sameAs: scan) }
        // What the township sent after the restart: the passes' log lines name the bytes sent.
        let log = String(decoding: FileManager.default.contents(atPath: township.logPath) ?? Data(), as: UTF8.self)
        let sent = log.split(separator: "\n").filter { $0.contains("file(s) complete (up ") }.compactMap { line -> Int? in
            guard let range = line.range(of: "(up ") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        print("blob lane kill: county held \(kept) of \(size) B when killed; the completing pass sent \(sent.last ?? -1) B")
        XCTAssertLessThanOrEqual(try XCTUnwrap(sent.last), size - kept, "the completing pass resumed at what the county held, not at 0")
        XCTAssertTrue(try county.verifyClean())
    }

    /// A village's daytime cap (`blob-bandwidth` in the config file, here all day long): the file
    /// takes at least its size over the cap; the changes before it are not held back.
    func testTheConfiguredBandwidthCapSlowsTheFilesOnly() throws {
        let county = try cluster.county()
        let township = try cluster.enroll(code: Self.township, role: "township", name: "三墩镇便民服务中心", under: county)
        try township.syncOnce()
        let number = try accept(at: township)
        let scan = cluster.file("scan.pdf")
        let size = 192 << 10
        try AttachmentEndToEndTests.write(scan, magic: AttachmentEndToEndTests.pdf, size: size)
        let sha = try attach(township, number, material: "disability_certificate", file: scan)
        let config = cluster.file("liandong.conf")
        try "blob-bandwidth = 64 00:00-24:00\n".write(toFile: config, atomically: true, encoding: .utf8)
        let started = Date()
        let synced = try township.object("sync", "--once", "--config", config)
        let seconds = Date().timeIntervalSince(started)
        XCTAssertGreaterThan(synced["pushed"] as? Int ?? 0, 0, "\(synced)")
        XCTAssertEqual((synced["blobs"] as? [String: Any])?["uploadedBytes"] as? Int, size, "\(synced)")
        XCTAssertTrue(holds(county, sha, sameAs: scan))
        print("blob lane cap: \(size) B at 64 KiB/s took \(String(format: "%.2f", seconds)) s with the changes")
        XCTAssertGreaterThan(seconds, 2.8, "192 KiB at 64 KiB/s takes about 3 s")
    }
}
