import Foundation
import LiandongDomain
import LiandongStore
import XCTest

final class NodeStoreReadTests: NodeStoreTestCase {
    func testChangesOfAnEntityAreItsOwnInStorageOrderAndRoundTrip() throws {
        let store = try makeCounty()
        let a = try store.accept()
        let b = try store.accept()
        var made: [Change] = []
        made += try store.record([ChangeDraft(actor: "审批员-王", entity: a.number, kind: CaseAction.review.kind, payload: ["opinion": "甲"])])
        try store.act(on: b.number, .review, payload: [:], actor: "审批员-王")
        made.append(try store.record(ChangeDraft(actor: "审批员-王", entity: a.number, kind: CaseAction.approve.kind, payload: ["opinion": "准予"])))
        let changes = try store.changes(ofEntity: a.number)
        XCTAssertEqual(changes.map(\.kind), [CaseAction.accept.kind, CaseAction.review.kind, CaseAction.approve.kind])
        XCTAssertEqual(Array(changes.suffix(2)), made, "decoded exactly as recorded: payload, parties, hash and signature")
        XCTAssertTrue(changes.allSatisfy { $0.entity == a.number })
        XCTAssertEqual(try store.changes(ofEntity: "330106-20260302-0404"), [])
    }

    func testChangesAfterALocalPositionComeInOrderAndAreBounded() throws {
        let store = try makeCounty()  // 14 changes: 13 items and the calendar
        try store.accept()
        let all = try store.changes(afterLSN: 0, limit: 100)
        XCTAssertEqual(all.map(\.lsn), Array(1...15))
        XCTAssertEqual(all.map(\.change.seq), Array(1...15))
        XCTAssertEqual(all.last?.change.kind, CaseAction.accept.kind)
        let page = try store.changes(afterLSN: 5, limit: 4)
        XCTAssertEqual(page.map(\.lsn), [6, 7, 8, 9])
        XCTAssertEqual(page.map(\.change), all[5..<9].map(\.change))
        XCTAssertEqual(try store.changes(afterLSN: 15, limit: 10).count, 0)
        XCTAssertEqual(try store.changes(afterLSN: 13, limit: 10).map(\.lsn), [14, 15])
    }

    func testWireFormRoundTripsAStoredChange() throws {
        let store = try makeCounty()
        let state = try store.accept()
        let change = try XCTUnwrap(try store.changes(ofEntity: state.number).first)
        let wire = try JSONParser.parse(change.wireJSON.canonicalBytes)
        XCTAssertEqual(try Change(wire: wire), change)
    }
}

/// The wire text senders splice from stored columns is the canonical encoding of the decoded change.
final class NodeStoreWireTests: NodeStoreTestCase {
    func testEncodedChangesAreTheCanonicalWireTextOfEveryStoredChange() throws {
        let store = try makeCounty()
        let a = try store.accept()
        try store.act(on: a.number, .review, payload: ["opinion": "引号\"、反斜杠\\、换行\n与制表\t"], actor: "审批员-王")
        try store.act(on: a.number, .updateContact, payload: ["phone": "13912345678", "address": "转塘街道 5 组 🏠"], actor: "窗口-李")
        let all = try store.changes(afterLSN: 0, limit: 1000).map(\.change)
        let encoded = try store.encodedChanges(of: store.identity.code, after: 0, limit: 1000)
        XCTAssertEqual(encoded.count, all.count)
        for (change, wire) in zip(all, encoded) {
            XCTAssertEqual(wire.wire, change.wireJSON.canonicalBytes, "\(change.origin)#\(change.seq) \(change.kind)")
            XCTAssertEqual(change.signingBody, change.bodyJSON.canonicalBytes, "signing body written field by field")
            XCTAssertEqual(try wire.decoded(), change)
            XCTAssertEqual([wire.origin, String(wire.seq)], [change.origin, String(change.seq)])
            XCTAssertEqual(wire.hash, change.hash)
            XCTAssertEqual(wire.hlc, change.hlc)
        }
        XCTAssertEqual(try store.encodedChanges(of: store.identity.code, after: 3, limit: 2).map(\.seq), [4, 5])
        XCTAssertEqual(try store.encodedChanges(of: "330106001", after: 0, limit: 10).count, 0)
    }
}
