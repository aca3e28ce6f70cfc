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
}
