import Foundation
import XCTest

@testable import LiandongDomain
@testable import LiandongStore
@testable import LiandongSync

/// A move of the log wakes only the parked pulls it routes changes to (issue 11 item 5: a county
/// with 600 children parked re-ran all 600 pulls, each a turn of the one writer, per push).
final class TargetedWakeTests: SyncTestCase {
    func parked() -> LongPoll { LongPoll(timeout: .seconds(30), fallback: .json(200, "{}"), topic: "pull") }

    func testAMoveConcernsTheChildrenItsPartiesAreInOrAbove() {
        let move = LogMove(parties: [Tree.township])
        XCTAssertTrue(move.concerns(Tree.township))
        XCTAssertFalse(move.concerns(Tree.township2), "another township's pull finds nothing new")
        XCTAssertFalse(move.concerns(Tree.village), "a party above the child is not routed to it")
        XCTAssertTrue(LogMove(parties: [Tree.village]).concerns(Tree.township), "a party below the child is in its subtree")
        XCTAssertTrue(LogMove(parties: [EntityName.everyone]).concerns(Tree.village3))
        XCTAssertTrue(LogMove.everyone.concerns(Tree.village3), "a move not read concerns everyone")
        XCTAssertFalse(LogMove(parties: []).concerns(Tree.village))
    }

    func testTheBoardWakesOnlyThePullsAMoveConcerns() {
        let board = PollBoard()
        let first = parked(), second = parked()
        board.park(first, child: Tree.village, key: "a", receivedAt: .now, seen: board.current)
        board.park(second, child: Tree.village2, key: "b", receivedAt: .now, seen: board.current)
        XCTAssertEqual(board.parkedCount, 2)
        XCTAssertEqual(board.wake(LogMove(parties: [Tree.village])), 1)
        XCTAssertTrue(first.isResolved)
        XCTAssertFalse(second.isResolved, "a push routed to one village leaves the other parked")
        XCTAssertEqual(board.wake(LogMove(parties: [EntityName.everyone])), 1)
        XCTAssertTrue(second.isResolved)
        XCTAssertEqual(board.parkedCount, 0)
    }

    func testAMoveBetweenTheLookAndTheParkingReRunsOnlyTheChildItConcerns() {
        let board = PollBoard()
        let seen = board.current
        board.wake(LogMove(parties: [Tree.village2]))
        let untouched = parked(), concerned = parked()
        board.park(untouched, child: Tree.village, key: "a", receivedAt: .now, seen: seen)
        board.park(concerned, child: Tree.village2, key: "b", receivedAt: .now, seen: seen)
        XCTAssertFalse(untouched.isResolved, "a move for another child does not re-run it")
        XCTAssertTrue(concerned.isResolved, "the move came after its look: it re-runs at once")

        // Moves no longer remembered may have concerned it: re-run.
        let old = board.current
        for _ in 0...PollBoard.remembered { board.wake(LogMove(parties: [Tree.village2])) }
        let late = parked()
        board.park(late, child: Tree.village, key: "c", receivedAt: .now, seen: old)
        XCTAssertTrue(late.isResolved)
    }

    func testTheWriterSaysWhichPartiesAMoveRoutedTo() throws {
        try makeNodes([Tree.county, Tree.township, Tree.village, Tree.township2])
        _ = try store(Tree.township).ingest(try store(Tree.county).changes(afterLSN: 0, limit: 100_000).map(\.change), from: Tree.county)
        let writer = StoreWriter(store(Tree.township))
        let moves = Moves()
        writer.onLogMoved { (move: LogMove) in moves.append(move) }

        try writer.with { store in try store.recordContact(child: Tree.village, protocolVersion: 1, address: nil) }
        XCTAssertEqual(moves.all, [], "a write that moves no route announces nothing")

        let number = try writer.with { store -> String in
            guard let item = try store.item(code: Items.townshipDecided) else { throw StoreError("test", "no item") }
            return try store.acceptCase(AcceptRequest(
                itemCode: item.code, applicant: Applicant(name: "张桂英", idNumber: "11010519491231002X", phone: "13812345678"),
                materials: item.materials.filter(\.required).map(\.id), actor: "窗口-李")).number
        }
        let accepted = try XCTUnwrap(moves.all.last?.parties, "the parties of the new routes are read")
        let routed = try store(Tree.township).db.query(
            "SELECT DISTINCT party FROM routes WHERE lsn IN (SELECT lsn FROM changes WHERE entity = ?)", [.text(number)]).compactMap { $0.text("party") }
        XCTAssertEqual(accepted, Set(routed))
        XCTAssertFalse(moves.all.last!.concerns(Tree.village3), "a case of this township is not routed to the other township's village")

        try writer.with { store in _ = try store.act(on: number, .transfer, payload: ["to": .string(Tree.township2), "reason": "户籍在邻镇"], actor: "镇") }
        XCTAssertTrue(moves.all.last!.concerns(Tree.township2), "a transfer concerns the township it goes to")
    }
}

/// Moves collects what a writer announced.
final class Moves: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [LogMove] = []
    var all: [LogMove] { lock.withLock { list } }
    func append(_ move: LogMove) { lock.withLock { list.append(move) } }
}
