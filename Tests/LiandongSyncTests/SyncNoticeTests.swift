import Foundation
import XCTest

@testable import LiandongDomain
@testable import LiandongServer
@testable import LiandongStore
@testable import LiandongSync

/// Notices on the record (issue 10, item 3): a village's one-time notice and its document numbers
/// reach the county through the real protocol, and no other village.
final class SyncNoticeTests: SyncTestCase {
    func testAVillagesOneTimeNoticeAndDocumentNumbersReachTheCountyAndNoOtherVillage() throws {
        try makeNodes([Tree.county, Tree.township, Tree.village, Tree.village2])
        try serve(Tree.county)
        try serve(Tree.township)
        try sync(Tree.township)
        try sync(Tree.village)
        try sync(Tree.village2)

        let village = store(Tree.village)
        let item = try XCTUnwrap(try village.item(code: Items.countyDecided))
        let request = AcceptRequest(
            itemCode: item.code, applicant: Applicant(name: "张桂英", idNumber: "11010519491231002X", phone: "13812345678"),
            materials: [], actor: "代办员-王")
        let notice = try village.issueOneTimeNotice(request, note: "请带户口簿原件")
        XCTAssertEqual(notice.number, "\(Tree.village)告〔2026〕1号")
        XCTAssertEqual(notice.owed.count, item.materials.filter(\.required).count)

        let number = try accept(at: Tree.village, item: Items.countyDecided)
        try village.act(on: number, .forward, payload: [:], actor: "村-王")
        try sync(Tree.village)
        try store(Tree.township).act(on: number, .forward, payload: [:], actor: "镇-赵")
        try sync(Tree.township)
        try store(Tree.county).act(on: number, .deny, payload: ["reasons": ["家庭收入超过标准"]], actor: "县-钱")
        try sync(Tree.township)
        try sync(Tree.village)
        try sync(Tree.village2)

        for code in [Tree.county, Tree.township] {
            let notices = try store(code).oneTimeNotices(NoticeFilter(node: Tree.township))
            XCTAssertEqual(notices.map { $0["number"]?.stringValue }, [notice.number], "the notice is visible at \(code)")
            XCTAssertEqual(notices.first?["note"]?.stringValue, "请带户口簿原件")
        }
        XCTAssertEqual(try store(Tree.county).oneTimeNotices(NoticeFilter(node: Tree.township2)).count, 0, "filtered by node")
        XCTAssertEqual(try store(Tree.village2).oneTimeNotices().count, 0, "a notice goes up, not to other villages")

        let atVillage = try XCTUnwrap(try village.caseState(number))
        XCTAssertEqual(atVillage.documents.map(\.number), ["\(Tree.village)受〔2026〕1号", "\(Tree.county)决〔2026〕1号"])
        XCTAssertEqual(atVillage.document(.decision)?.rights, .statutory, "the denial tells the applicant of their rights at the village")
        XCTAssertEqual(try stateHash(Tree.village, number), try stateHash(Tree.county, number))
        for code in [Tree.county, Tree.township, Tree.village, Tree.village2] {
            XCTAssertTrue(try store(code).verify().isClean, "verify at \(code)")
        }
    }

    func testTheCountyFilesAVillagesRefusalAndOrdersItHandledAgainAtTheVillage() throws {
        try makeNodes([Tree.county, Tree.township, Tree.village, Tree.township2, Tree.village3])
        try serve(Tree.county)
        try serve(Tree.township)
        try serve(Tree.township2)
        for code in [Tree.township, Tree.township2, Tree.village, Tree.village3] { try sync(code) }

        let village = store(Tree.village)
        let item = try XCTUnwrap(try village.item(code: Items.countyDecided))
        var request = AcceptRequest(
            itemCode: item.code, applicant: Applicant(name: "张桂英", idNumber: "11010519491231002X", phone: "13812345678"),
            materials: item.materials.filter(\.required).map(\.id), actor: "代办员-王")
        request.refusalReasons = ["申请人户籍不在本村"]
        let refused = try village.acceptCase(request)
        let other = try accept(at: Tree.village3, item: Items.countyDecided)
        try store(Tree.village3).act(on: other, .forward, payload: [:], actor: "村-李")
        try sync(Tree.village)
        try sync(Tree.village3)
        try sync(Tree.township)
        try sync(Tree.township2)
        try store(Tree.township2).act(on: other, .forward, payload: [:], actor: "镇-孙")
        try sync(Tree.township2)
        try store(Tree.county).act(on: other, .deny, payload: ["reasons": ["家庭财产超过标准"]], actor: "县-钱")
        try store(Tree.county).act(on: other, .issue, payload: [:], actor: "县-钱")

        let county = store(Tree.county)
        let all = try county.negativeFilings()
        XCTAssertEqual(Set(all.compactMap { $0["number"]?.stringValue }), [refused.number, other], "every refusal and denial in the subtree")
        let denial = try XCTUnwrap(all.first { $0["number"]?.stringValue == other })
        XCTAssertEqual(denial["kind"]?.stringValue, "denial")
        XCTAssertEqual(denial["state"]?.stringValue, "result_ready", "a denied case stays findable as denied after its result is issued")
        XCTAssertEqual(try county.negativeFilings(NoticeFilter(node: Tree.township)).map { $0["number"]?.stringValue }, [refused.number])
        XCTAssertEqual(try county.negativeFilings(NoticeFilter(itemCode: "no-such-item")).count, 0)
        let refusal = try county.negativeFilings(NoticeFilter(node: Tree.village))[0]
        XCTAssertEqual(refusal["reasons"]?.arrayValue, [.string("申请人户籍不在本村")])
        XCTAssertEqual(refusal["documentNumber"]?.stringValue, "\(Tree.village)不受〔2026〕1号")
        XCTAssertThrowsError(try county.negativeFilings(NoticeFilter(from: LocalDate(iso: "2026-03-05"), to: LocalDate(iso: "2026-03-01"))))

        XCTAssertThrowsError(try store(Tree.township).act(on: refused.number, .rehandle, payload: ["reason": "x"], actor: "镇-赵"),
                             "only the county orders a case handled again")
        try county.act(on: refused.number, .rehandle, payload: ["reason": "户籍证明已补充，理由不成立"], actor: "县-督查")
        try sync(Tree.township)
        try sync(Tree.village)
        let reopened = try XCTUnwrap(try village.caseState(refused.number))
        XCTAssertEqual(reopened.status, .accepted, "the case reopens at the village that refused it")
        XCTAssertEqual(reopened.holder, Tree.village)
        try village.act(on: refused.number, .forward, payload: [:], actor: "代办员-王")
        let filed = try village.negativeFilings()
        XCTAssertEqual(filed.count, 1, "the refusal stays on the record")
        XCTAssertEqual(filed.first?["rehandling"]?["reason"]?.stringValue, "户籍证明已补充，理由不成立")
        try sync(Tree.village)
        XCTAssertEqual(try stateHash(Tree.village, refused.number), try stateHash(Tree.township, refused.number))
        for code in [Tree.county, Tree.township, Tree.village] {
            XCTAssertTrue(try store(code).verify().isClean, "verify at \(code)")
        }
    }

    func testAVillageThatHoldsItsOwnRevocationRecordsNothingNewAndSaysWhy() throws {
        try makeNodes()
        try serve(Tree.county)
        try serve(Tree.township)
        try sync(Tree.township)
        try sync(Tree.village)
        let before = try accept(at: Tree.village, item: Items.countyDecided)
        try store(Tree.township).revoke(code: Tree.village, reason: "代办点撤并", actor: "管理员")
        // The revocation reaches the village directly (in tests both trust each other), as the change.
        let revocations = try store(Tree.township).changes(afterLSN: 0, limit: 10_000).map(\.change).filter { $0.kind == NodeKind.revoked }
        _ = try store(Tree.village).ingest(revocations, from: Tree.township)
        let revocation = try XCTUnwrap(try store(Tree.village).ownRevocation())
        XCTAssertEqual(revocation.by, Tree.township)
        XCTAssertEqual(revocation.reason, "代办点撤并")
        XCTAssertTrue(revocation.message.contains("代办点撤并") && revocation.message.contains("不能再受理"), revocation.message)
        let changes = try count(Tree.village, "SELECT count(*) FROM changes")
        XCTAssertThrowsError(try accept(at: Tree.village, item: Items.countyDecided)) { error in
            XCTAssertEqual((error as? StoreError)?.code, "node_revoked")
        }
        XCTAssertThrowsError(try store(Tree.village).act(on: before, .forward, payload: [:], actor: "代办员"))
        XCTAssertEqual(try count(Tree.village, "SELECT count(*) FROM changes"), changes, "nothing was written")
        XCTAssertNotNil(try store(Tree.village).status()["revoked"]?["message"]?.stringValue)
        XCTAssertNil(try store(Tree.county).ownRevocation())
    }

    func testTheCountysStatisticsCountEachNodeWithItsSubtree() throws {
        try makeNodes([Tree.county, Tree.township, Tree.village, Tree.village2, Tree.township2, Tree.village3])
        try serve(Tree.county)
        try serve(Tree.township)
        try serve(Tree.township2)
        for code in [Tree.township, Tree.township2, Tree.village, Tree.village2, Tree.village3] { try sync(code) }
        _ = try accept(at: Tree.village, item: Items.countyDecided)
        _ = try accept(at: Tree.village, item: Items.countyDecided)
        _ = try accept(at: Tree.village2, item: Items.countyDecided)
        _ = try accept(at: Tree.village3, item: Items.countyDecided)
        let item = try XCTUnwrap(try store(Tree.village3).item(code: Items.countyDecided))
        _ = try store(Tree.village3).issueOneTimeNotice(AcceptRequest(
            itemCode: item.code, applicant: Applicant(name: "李四", idNumber: "440524188001010014", phone: "13812345678"), materials: [], actor: "代办员"))
        for code in [Tree.village, Tree.village2, Tree.village3, Tree.township, Tree.township2] { try sync(code) }

        let report = try store(Tree.county).statistics()
        let lines = Dictionary(uniqueKeysWithValues: report.perNode.map { ($0.code, $0.stats) })
        XCTAssertEqual(lines[Tree.county]?.cases, 4)
        XCTAssertEqual(lines[Tree.township]?.cases, 3, "a township's line counts its villages")
        XCTAssertEqual(lines[Tree.village]?.cases, 2)
        XCTAssertEqual(lines[Tree.village2]?.cases, 1)
        XCTAssertEqual(lines[Tree.township2]?.cases, 1)
        XCTAssertEqual(lines[Tree.township2]?.oneTimeNotices, 1, "one-time notices are counted where they were given")
        let township = try store(Tree.county).statistics(node: Tree.township)
        XCTAssertEqual(township.overall.cases, 3)
        XCTAssertEqual(township.perNode.map(\.code), [Tree.township, Tree.village, Tree.village2], "the subtree only")
    }

    func testTheCountySeesAVillageTwoHopsDownAndNoLagTowardAParentAtTheRoot() throws {
        try makeNodes([Tree.county, Tree.township, Tree.village, Tree.village2])
        try serve(Tree.county)
        try serve(Tree.township)
        for code in [Tree.township, Tree.village, Tree.village2] { try sync(code) }
        _ = try accept(at: Tree.village, item: Items.countyDecided)
        try sync(Tree.village)
        try sync(Tree.township)

        let county = store(Tree.county)
        let view = Dictionary(uniqueKeysWithValues: try county.subtreeView().map { ($0.code, $0) })
        XCTAssertEqual(Set(view.keys), [Tree.township, Tree.village, Tree.village2], "every node below, not only direct children")
        XCTAssertNotNil(view[Tree.village]?.lastHeard, "the county heard of the village two hops down")
        XCTAssertNil(view[Tree.village2]?.lastHeard, "nothing yet from the idle village")
        XCTAssertNotNil(view[Tree.township]?.lastContact, "a direct child has its hop's contact")
        XCTAssertNil(view[Tree.village]?.lastContact)

        try store(Tree.township).revoke(code: Tree.village2, reason: "撤并", actor: "管理员")
        try sync(Tree.township)
        let revoked = try XCTUnwrap(try county.subtreeView().first { $0.code == Tree.village2 })
        XCTAssertTrue(revoked.revoked)
        XCTAssertFalse(revoked.isBehind, "a revoked node is not behind")

        let status = try NodeStatus.json(county)
        XCTAssertEqual(status["subtree"]?.arrayValue?.count, 3)
        XCTAssertEqual(status["sync"]?["unackedUp"], .null, "no lag toward a parent at the root")
        let metrics = try Metrics.render(service: try XCTUnwrap(servers[Tree.county]).service)
        XCTAssertFalse(metrics.contains("peer=\"parent\""), "the root reports no hop to a parent")
        XCTAssertTrue(metrics.contains("liandong_subtree_last_heard_seconds{node=\"\(Tree.county)\",subtree_node=\"\(Tree.village)\"}"), metrics)
        XCTAssertTrue(metrics.contains("liandong_subtree_revoked{node=\"\(Tree.county)\",subtree_node=\"\(Tree.village2)\"} 1"), metrics)
    }

    /// A village change stuck in quarantine at its township never reaches the county: the township's
    /// hello reports it, the county shows it for the village and the township, and the line goes away
    /// with the township's next report once the quarantine is empty.
    func testTheCountySeesAVillageChangeQuarantinedAtItsTownship() throws {
        try makeNodes([Tree.county, Tree.township, Tree.village])
        try serve(Tree.county)
        try serve(Tree.township)
        for code in [Tree.township, Tree.village] { try sync(code) }
        try store(Tree.township).quarantineMalformed(origin: Tree.village, seq: 7, hash: Array(repeating: 9, count: 32),
                                                     message: "无法解析", wire: "{}", from: Tree.village)
        try sync(Tree.township)

        let county = store(Tree.county)
        let view = Dictionary(uniqueKeysWithValues: try county.subtreeView().map { ($0.code, $0) })
        XCTAssertEqual(view[Tree.village]?.quarantinedBelow, 1)
        XCTAssertEqual(view[Tree.village]?.quarantined, 0, "nothing of it is quarantined at the county itself")
        XCTAssertEqual(view[Tree.township]?.quarantinedBelow, 1, "the township's subtree holds it")
        XCTAssertEqual(try county.heldQuarantineReport(), [HeldQuarantine(holder: Tree.township, origin: Tree.village, count: 1)],
                       "what the county would report further up")
        let metrics = try Metrics.render(service: try XCTUnwrap(servers[Tree.county]).service)
        XCTAssertTrue(metrics.contains("liandong_subtree_quarantined_below_changes{node=\"\(Tree.county)\",subtree_node=\"\(Tree.village)\"} 1"), metrics)

        try store(Tree.township).db.run("DELETE FROM quarantine")
        try sync(Tree.township)
        XCTAssertEqual(try county.subtreeView().first { $0.code == Tree.village }?.quarantinedBelow, 0, "a report replaces the last one")
    }
}
