import XCTest

@testable import LiandongDomain
@testable import LiandongStore
@testable import LiandongSync

/// Routing positions in the store: who receives what, and history for a party that joins.
final class RoutesTests: SyncTestCase {
    func testRoutesServeAChildsSubtreeEachChangeOnceInPositionOrder() throws {
        try makeNodes([Tree.county, Tree.township, Tree.village, Tree.village2])
        let county = store(Tree.county)
        let catalog = try county.changesRouted(to: Tree.village, after: 0, limit: 5000, maxBytes: 1 << 30)
        XCTAssertEqual(catalog.changes.count, Int(try count(Tree.county, "SELECT count(*) FROM changes")), "catalog and calendar go everywhere")
        XCTAssertFalse(catalog.more)

        // A case of the first village reaches the county by ingest and is routed to it, not to the second village.
        try sync(at: Tree.village)
        let number = try accept(at: Tree.village, item: Items.countyDecided)
        _ = try county.ingest(try store(Tree.village).changes(ofEntity: number), from: Tree.township)
        let forVillage = try county.changesRouted(to: Tree.village, after: catalog.next, limit: 5000, maxBytes: 1 << 30)
        XCTAssertEqual(try forVillage.changes.map { try $0.decoded().entity }, [number], "routed to the accepting village's subtree")
        let forTownship = try county.changesRouted(to: Tree.township, after: catalog.next, limit: 5000, maxBytes: 1 << 30)
        XCTAssertEqual(forTownship.changes.count, 0, "no echo to the township it came from")
        let forVillage2 = try county.changesRouted(to: Tree.village2, after: catalog.next, limit: 5000, maxBytes: 1 << 30)
        XCTAssertEqual(forVillage2.changes.count, 0)
        XCTAssertEqual(try count(Tree.county, "SELECT count(*) FROM routes WHERE party = ?", [.text(Tree.village)]), 1)
    }

    func testAPageStopsAtItsLimitAndSaysThereIsMore() throws {
        try makeNodes([Tree.county])
        let all = try store(Tree.county).changesRouted(to: Tree.village, after: 0, limit: 5000, maxBytes: 1 << 30)
        XCTAssertGreaterThan(all.changes.count, 3)
        let first = try store(Tree.county).changesRouted(to: Tree.village, after: 0, limit: 2, maxBytes: 1 << 30)
        XCTAssertEqual(first.changes.count, 2)
        XCTAssertTrue(first.more)
        let bytes = try store(Tree.county).changesRouted(to: Tree.village, after: 0, limit: 5000, maxBytes: 1)
        XCTAssertEqual(bytes.changes.count, 1, "at least one change even when it alone is over the byte bound")
        XCTAssertTrue(bytes.more)
        var after: Int64 = 0
        var seen: [EncodedChange] = []
        while true {
            let page = try store(Tree.county).changesRouted(to: Tree.village, after: after, limit: 3, maxBytes: 1 << 30)
            seen += page.changes
            after = page.next
            if !page.more { break }
        }
        XCTAssertEqual(seen.map(\.hash), all.changes.map(\.hash))
    }

    func testAPartyThatJoinsACaseGetsItsEarlierChangesAtNewPositions() throws {
        try makeNodes([Tree.county, Tree.township, Tree.village, Tree.township2])
        try sync(at: Tree.village)
        let number = try accept(at: Tree.village, item: Items.townshipDecided)
        try store(Tree.village).act(on: number, .forward, payload: [:], actor: "村")
        let township = store(Tree.township)
        _ = try township.ingest(try store(Tree.village).changes(ofEntity: number), from: Tree.village)
        let before = try township.lastRoutePosition()
        XCTAssertEqual(try township.changesRouted(to: Tree.township2, after: 0, limit: 5000, maxBytes: 1 << 30).changes.filter { try $0.decoded().entity == number }.count, 0)
        try township.act(on: number, .transfer, payload: ["to": .string(Tree.township2), "reason": "户籍在邻镇"], actor: "镇")
        let joined = try township.changesRouted(to: Tree.township2, after: before, limit: 5000, maxBytes: 1 << 30)
        XCTAssertEqual(try joined.changes.map { try $0.decoded().kind }, [CaseAction.accept.kind, CaseAction.forward.kind, CaseAction.transfer.kind])
    }

    /// Copies the county's catalog and calendar into `code` directly (no server needed here).
    func sync(at code: String) throws {
        _ = try store(code).ingest(try store(Tree.county).changes(afterLSN: 0, limit: 100_000).map(\.change), from: Tree.county)
    }
}
