import Foundation
import XCTest

@testable import LiandongDomain
@testable import LiandongServer
@testable import LiandongStore
@testable import LiandongSync

/// One writer per `serve` (issue 11): the lanes, the handlers and the workbench share the server's
/// StoreWriter, and a write through it reaches the lanes and the parked pulls at once. The
/// servers here poll nothing in time to matter: the push lane looks on its own once an hour, the
/// watch for other processes once an hour, and a parked pull waits 30 s; each step must still
/// arrive within 10 s (a generous functional bound, not a timing assertion).
final class OneWriterTests: SyncTestCase {
    func idle(_ configuration: inout NodeServer.Configuration) {
        configuration.pushInterval = .seconds(3600)
        configuration.watchInterval = 3600
        configuration.pullWait = 30
    }

    func testAWriteThroughTheServerWakesTheLanesAndTheParkedPullsAtOnce() throws {
        try makeNodes()
        try serve(Tree.county, adjust: idle)
        try serve(Tree.township, parent: Tree.county, adjust: idle)
        let village = try serve(Tree.village, parent: Tree.township, adjust: idle)
        let county = try XCTUnwrap(servers[Tree.county]), township = try XCTUnwrap(servers[Tree.township])
        for server in [county, township, village] {
            XCTAssertTrue(server.service.writer === server.writer, "handlers write through the server's writer")
            XCTAssertTrue(server.workbench?.service.writer === server.writer, "the workbench writes through it")
        }

        // The catalog reaches the village: the township's ingest wakes the village's parked pull.
        XCTAssertTrue(try waitUntil(timeout: 10) { try count(Tree.village, "SELECT count(*) FROM items") > 0 }, logLines.all)

        // A case accepted through the village's writer (as the workbench and the local API do)
        // is pushed now, and forwarded by the township as it arrives.
        let number = try village.writer.with { store -> String in
            guard let item = try store.item(code: Items.townshipDecided) else { throw StoreError("test", "no item") }
            return try store.acceptCase(AcceptRequest(
                itemCode: item.code, applicant: Applicant(name: "张桂英", idNumber: "11010519491231002X", phone: "13812345678"),
                materials: item.materials.filter(\.required).map(\.id), actor: "窗口-李")).number
        }
        XCTAssertTrue(try waitUntil(timeout: 10) { try store(Tree.county).caseState(number) != nil }, logLines.all)
        try village.writer.with { store in _ = try store.act(on: number, .forward, payload: [:], actor: "村-王") }
        XCTAssertTrue(try waitUntil(timeout: 10) { try store(Tree.county).caseState(number)?.status == .forwarded }, logLines.all)

        // The township's decision, made through its writer, wakes the village's parked pull and
        // the township's own push lane.
        try township.writer.with { store in
            _ = try store.act(on: number, .approve, payload: ["opinion": "符合条件"], actor: "镇-赵")
        }
        XCTAssertTrue(try waitUntil(timeout: 10) { try store(Tree.village).caseState(number)?.status == .approved }, logLines.all)
        XCTAssertTrue(try waitUntil(timeout: 10) { try store(Tree.county).caseState(number)?.status == .approved }, logLines.all)
    }

    func testReadersSeeTheWritersCommitsAndCannotWrite() throws {
        try makeNodes([Tree.county])
        let writer = try XCTUnwrap(serve(Tree.county).writer)
        let before = try writer.read { try $0.db.scalarInt("SELECT count(*) FROM changes") ?? 0 }
        try writer.with { store in _ = try store.setCalendarYear(try Examples.json("calendar-2026.json"), actor: "admin") }
        XCTAssertEqual(try writer.read { try $0.db.scalarInt("SELECT count(*) FROM changes") ?? 0 }, before + 1, "a reader sees the last commit")
        XCTAssertThrowsError(try writer.read { try $0.db.execute("DELETE FROM settings") }, "a reader is read-only")
    }

    func testAChangeAnotherProcessCommitsIsStillPushed() throws {
        try makeNodes()
        try serve(Tree.county, adjust: idle)
        try serve(Tree.township, parent: Tree.county, adjust: idle)
        try serve(Tree.village, parent: Tree.township) { configuration in
            self.idle(&configuration)
            configuration.watchInterval = 0.05
        }
        XCTAssertTrue(try waitUntil(timeout: 10) { try count(Tree.village, "SELECT count(*) FROM items") > 0 }, logLines.all)

        // The test's own connection to the village stands for the CLI in another process.
        let number = try accept(at: Tree.village, item: Items.townshipDecided)
        XCTAssertTrue(try waitUntil(timeout: 10) { try store(Tree.township).caseState(number) != nil }, logLines.all)
    }
}
