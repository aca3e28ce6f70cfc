import Foundation
import XCTest

@testable import LiandongDomain
@testable import LiandongServer
@testable import LiandongStore
@testable import LiandongSync

/// A case's whole life across village, township and county through the real protocol.
final class SyncConvergenceTests: SyncTestCase {
    func testCaseLifeConvergesFromVillageThroughTownshipToCounty() throws {
        try makeNodes()
        try serve(Tree.county)
        try serve(Tree.township)
        try sync(Tree.township)
        try sync(Tree.village)
        XCTAssertNotNil(try store(Tree.village).item(code: Items.countyDecided), "the catalog reaches the village")

        let number = try accept(at: Tree.village, item: Items.countyDecided)
        try store(Tree.village).act(on: number, .forward, payload: [:], actor: "村-王")
        let up = try sync(Tree.village)
        XCTAssertEqual(up.pushed, 2)
        XCTAssertEqual(try store(Tree.township).caseState(number)?.status, .forwarded)

        try store(Tree.township).act(on: number, .forward, payload: ["opinion": "初审通过"], actor: "镇-赵")
        try sync(Tree.township)
        XCTAssertEqual(try store(Tree.county).caseState(number)?.holder, Tree.county)

        try store(Tree.county).act(on: number, .approve, payload: ["opinion": "符合条件"], actor: "县-钱")
        let down = try sync(Tree.township)
        XCTAssertEqual(down.pulled, 1)
        try sync(Tree.village)

        XCTAssertEqual(try store(Tree.village).caseState(number)?.status, .approved, "the decision reaches the village")
        let hashes = try [Tree.county, Tree.township, Tree.village].map { try stateHash($0, number) }
        XCTAssertNotNil(hashes[0])
        XCTAssertEqual(hashes[0], hashes[1])
        XCTAssertEqual(hashes[0], hashes[2])
        for code in [Tree.county, Tree.township, Tree.village] {
            XCTAssertTrue(try store(code).verify().isClean, "verify at \(code)")
        }
    }

    func testSecondVillageDoesNotReceiveTheFirstVillagesCaseButGetsTheCatalog() throws {
        try makeNodes([Tree.county, Tree.township, Tree.village, Tree.village2])
        try serve(Tree.county)
        try serve(Tree.township)
        try sync(Tree.township)
        try sync(Tree.village)
        try sync(Tree.village2)
        let number = try accept(at: Tree.village, item: Items.townshipDecided)
        try sync(Tree.village)
        try sync(Tree.township)
        try sync(Tree.village2)

        XCTAssertNotNil(try store(Tree.township).caseState(number))
        XCTAssertNotNil(try store(Tree.county).caseState(number), "everything goes up to the root")
        XCTAssertNil(try store(Tree.village2).caseState(number))
        XCTAssertEqual(try count(Tree.village2, "SELECT count(*) FROM changes WHERE origin = ?", [.text(Tree.village)]), 0)
        XCTAssertEqual(try count(Tree.village2, "SELECT count(*) FROM items"), try count(Tree.county, "SELECT count(*) FROM items"))
        XCTAssertGreaterThan(try count(Tree.village2, "SELECT count(*) FROM items"), 0)
    }

    func testTransferToAnotherTownshipGivesItTheWholeHistory() throws {
        try makeNodes([Tree.county, Tree.township, Tree.village, Tree.township2])
        try serve(Tree.county)
        try serve(Tree.township)
        try sync(Tree.township)
        try sync(Tree.township2)
        try sync(Tree.village)
        let number = try accept(at: Tree.village, item: Items.townshipDecided)
        try store(Tree.village).act(on: number, .forward, payload: [:], actor: "村-王")
        try sync(Tree.village)
        try sync(Tree.township)
        try sync(Tree.township2)
        XCTAssertNil(try store(Tree.township2).caseState(number), "not a party yet")

        try store(Tree.township).act(on: number, .transfer, payload: ["to": .string(Tree.township2), "reason": "申请人户籍在邻镇"], actor: "镇-赵")
        try sync(Tree.township)
        let outcome = try sync(Tree.township2)
        XCTAssertEqual(outcome.pulled, 3, "acceptance, forward and transfer")
        let all = try store(Tree.county).changes(ofEntity: number).count
        XCTAssertEqual(try store(Tree.township2).changes(ofEntity: number).count, all)
        XCTAssertEqual(try store(Tree.township2).caseState(number)?.holder, Tree.township2)
        XCTAssertEqual(try stateHash(Tree.township2, number), try stateHash(Tree.county, number))
    }

    func testChangesAreNotEchoedBackToTheChildThatSentThem() throws {
        try makeNodes()
        try serve(Tree.county)
        try serve(Tree.township)
        try sync(Tree.township)
        try sync(Tree.village)
        _ = try accept(at: Tree.village, item: Items.townshipDecided)
        let client = try client(Tree.village)
        try client.hello()
        XCTAssertEqual(try client.pushAll().count, 1)
        let body = PullRequest(after: 0, limit: 100, wait: 0).json.canonicalBytes
        let response = try rawRequest(to: Tree.township, "pull", as: Tree.village, body: body)
        XCTAssertEqual(response.status, 200, response.text)
        let changes = try json(response)["changes"]?.arrayValue ?? []
        XCTAssertGreaterThan(changes.count, 0, "the catalog is routed to the village")
        XCTAssertFalse(changes.contains { $0["origin"]?.stringValue == Tree.village }, "the village's own change is not sent back")
        XCTAssertTrue(try holds(Tree.township, origin: Tree.village, seq: 1))
        XCTAssertEqual(try client.pullOnce(wait: 0).stored, 0)
    }

    func testTownshipStoresAndForwardsWhileTheCountyIsDown() throws {
        try makeNodes()
        let county = try serve(Tree.county)
        try serve(Tree.township)
        try sync(Tree.township)
        try sync(Tree.village)
        county.stop()
        servers[Tree.county] = nil

        let number = try accept(at: Tree.village, item: Items.countyDecided)
        XCTAssertEqual(try sync(Tree.village).pushed, 1, "the township takes the change while the county is down")
        let stopped = try SyncClient(store: store(Tree.township), parentURL: county.url, configuration: HTTPClient.Configuration(connectTimeout: .seconds(2)))
        XCTAssertThrowsError(try stopped.syncOnce()) { error in
            XCTAssertEqual((error as? HTTPClientError)?.kind, .connect, "\(error)")
        }
        XCTAssertNil(try store(Tree.county).caseState(number))

        try serve(Tree.county)
        XCTAssertEqual(try sync(Tree.township).pushed, 1)
        XCTAssertTrue(try holds(Tree.county, origin: Tree.village, seq: 1))
        XCTAssertNotNil(try store(Tree.county).caseState(number))
    }

    func testALongPollReturnsWithTheChangeRecordedWhileItWaits() throws {
        try makeNodes()
        try serve(Tree.county)
        try serve(Tree.township)
        try sync(Tree.township)
        try sync(Tree.village)
        let number = try accept(at: Tree.village, item: Items.townshipDecided)
        try store(Tree.village).act(on: number, .forward, payload: [:], actor: "村-王")
        try sync(Tree.village)

        // The pull waits at the township on its own thread, with its own connection to the village.
        let directory = self.directory(Tree.village)
        let url = servers[Tree.township]?.url ?? ""
        let clock = self.clock
        let result = Locked<Result<Int, Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            result.set(Result {
                let village = try NodeStore.open(directory: directory, now: clock.closure)
                let client = try SyncClient(
                    store: village, parentURL: url, configuration: HTTPClient.Configuration(timeout: .seconds(60), lowSpeedTime: .seconds(40)))
                try client.hello()
                return try client.pullOnce(wait: 25).stored
            })
            done.signal()
        }
        let board = try XCTUnwrap(servers[Tree.township]?.service.board)
        XCTAssertTrue(waitUntil { board.parkedCount == 1 }, "the pull is parked at the township")
        // Recorded through a second connection, as the CLI does while serve runs.
        let township = try NodeStore.open(directory: self.directory(Tree.township), now: clock.closure)
        try township.act(on: number, .approve, payload: ["opinion": "同意"], actor: "镇-赵")
        done.wait()
        XCTAssertEqual(try result.value?.get(), 1, "the parked pull answers with the approval, not an empty page")
        XCTAssertEqual(try NodeStore.open(directory: directory, now: clock.closure).caseState(number)?.status, .approved)
    }

    func testServeLanesCarryAVillageCaseUpAndTheDecisionDown() throws {
        try makeNodes()
        try serve(Tree.county)
        try serve(Tree.township, parent: Tree.county)
        try serve(Tree.village, parent: Tree.township)
        let village = try NodeStore.open(directory: directory(Tree.village), now: clock.closure)
        XCTAssertTrue(try waitUntil { try village.item(code: Items.countyDecided) != nil }, logLines.all)

        let request = AcceptRequest(
            itemCode: Items.countyDecided, applicant: Applicant(name: "李大爷", idNumber: "440524188001010014", phone: "13812345678"),
            materials: try village.item(code: Items.countyDecided)?.materials.filter(\.required).map(\.id) ?? [], actor: "窗口")
        let number = try village.acceptCase(request).number
        try village.act(on: number, .forward, payload: [:], actor: "村")
        let township = try NodeStore.open(directory: directory(Tree.township), now: clock.closure)
        XCTAssertTrue(try waitUntil { try township.caseState(number)?.status == .forwarded }, logLines.all)
        try township.act(on: number, .forward, payload: [:], actor: "镇")
        let county = try NodeStore.open(directory: directory(Tree.county), now: clock.closure)
        XCTAssertTrue(try waitUntil { try county.caseState(number)?.holder == Tree.county }, logLines.all)
        try county.act(on: number, .approve, payload: [:], actor: "县")
        XCTAssertTrue(try waitUntil { try village.caseState(number)?.status == .approved }, logLines.all)

        XCTAssertTrue(try waitUntil { try village.unackedUpward().count == 0 }, "the village sees the township hold all of its changes")
        let status = try NodeStatus.json(village)
        XCTAssertEqual(status["sync"]?["parentCode"]?.stringValue, Tree.township)
        XCTAssertNil(status["sync"]?["lastError"]?.stringValue)
    }

    /// An error recorded while the lanes run (one lane failed, the link is fine again) is gone from
    /// `status` after the next exchange that goes through, without waiting for a new hello.
    func testAStaleLastErrorDisappearsAfterTheNextSuccessfulExchange() throws {
        try makeNodes([Tree.county, Tree.township])
        try serve(Tree.county)
        try serve(Tree.township, parent: Tree.county)
        let township = try NodeStore.open(directory: directory(Tree.township), now: clock.closure)
        XCTAssertTrue(try waitUntil { try township.item(code: Items.townshipDecided) != nil }, logLines.all)
        try township.recordParentError("timeout: the pull lane lost its connection")
        XCTAssertNotNil(try NodeStatus.json(township)["sync"]?["lastError"]?.stringValue)
        // A new local change makes the push lane exchange with the parent.
        _ = try accept(at: Tree.township, item: Items.townshipDecided)
        XCTAssertTrue(try waitUntil { try NodeStatus.json(township)["sync"]?["lastError"]?.stringValue == nil },
                      "the next successful push clears the stale error: \(logLines.all)")
    }
}

/// Locked is a value shared with another thread, guarded by a lock.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    func set(_ value: Value) { lock.withLock { stored = value } }
    var value: Value { lock.withLock { stored } }
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}
