import Foundation
import LiandongDomain
import LiandongStore
import XCTest

final class NodeStoreCaseListTests: NodeStoreTestCase {
    func testListsNewestFirstAndFiltersByStatus() throws {
        let store = try makeCounty()
        let a = try store.accept().number
        clock.advance(millis: 60_000)
        let b = try store.accept(Items.elderCard).number
        clock.advance(millis: 60_000)
        let c = try store.accept().number
        try store.act(on: b, .approve, payload: [:], actor: "审批员-王")
        try store.act(on: c, .requestSupplement, payload: ["materials": ["hardship_proof"]], actor: "审批员-王")

        XCTAssertEqual(try store.listCases().map(\.number), [c, b, a])
        XCTAssertEqual(try store.listCases(CaseFilter(status: .accepted)).map(\.number), [a])
        XCTAssertEqual(try store.listCases(CaseFilter(status: .approved)).map(\.number), [b])
        XCTAssertEqual(try store.listCases(CaseFilter(status: .awaitingSupplement)).map(\.number), [c])
        XCTAssertEqual(try store.listCases(CaseFilter(status: .delivered)).map(\.number), [])
        XCTAssertEqual(try store.listCases(CaseFilter(openOnly: true)).map(\.number), [c, a])
        XCTAssertEqual(try store.listCases(CaseFilter(status: .approved)).first?.json["state"], "approved")
    }

    func testFiltersByItem() throws {
        let store = try makeCounty()
        let relief = try store.accept(Items.relief).number
        let elder = try store.accept(Items.elderCard).number
        XCTAssertEqual(try store.listCases(CaseFilter(itemCode: Items.relief)).map(\.number), [relief])
        XCTAssertEqual(try store.listCases(CaseFilter(itemCode: Items.elderCard)).map(\.number), [elder])
        XCTAssertEqual(try store.listCases(CaseFilter(itemCode: "000000000000")).count, 0)
        XCTAssertEqual(try store.listCases(CaseFilter(itemCode: Items.relief)).first?.json["item"], .string(Items.relief))
    }

    func testDeadlineStatusMovesWithTodayAndFiltersOpenCases() throws {
        let store = try makeCounty()
        let open = try store.accept().number  // due Monday 16 March (10 working days)
        let decided = try store.accept().number
        try store.act(on: decided, .approve, payload: [:], actor: "审批员-王")

        func deadlines(_ filter: DeadlineStatus) throws -> [String] { try store.listCases(CaseFilter(deadline: filter)).map(\.number) }
        clock.set("2026-03-10")  // 11, 12, 13, 16: four working days left
        XCTAssertEqual(try deadlines(.onTime), [open], "a decided case is not on the running board")
        XCTAssertEqual(try deadlines(.dueSoon), [])
        XCTAssertEqual(try store.listCases().first { $0.number == open }?.dueDate?.iso, "2026-03-16")
        clock.set("2026-03-11")  // three left: 预警
        XCTAssertEqual(try deadlines(.dueSoon), [open])
        XCTAssertEqual(try deadlines(.onTime), [])
        clock.set("2026-03-16")  // the last day is still due soon, not overdue
        XCTAssertEqual(try deadlines(.dueSoon), [open])
        XCTAssertEqual(try deadlines(.overdue), [])
        clock.set("2026-03-17")
        XCTAssertEqual(try deadlines(.overdue), [open])
        XCTAssertEqual(try store.listCases().first { $0.number == open }?.json["deadlineStatus"], "overdue")
        XCTAssertEqual(try deadlines(.dueSoon), [])
    }

    func testAPausedCaseDoesNotRunOverdue() throws {
        let store = try makeCounty()
        let number = try store.accept().number
        try store.act(on: number, .requestSupplement, payload: ["materials": ["hardship_proof"]], actor: "审批员-王")
        clock.set("2026-03-25")
        XCTAssertEqual(try store.listCases(CaseFilter(deadline: .overdue)).count, 0, "a supplement pauses the relief item's clock")
        try store.act(on: number, .recordSupplement, payload: ["materials": ["hardship_proof"]], actor: "窗口-李")
        // 3 to 25 March do not count: ten working days from 26 March, skipping 清明 (4–6 April).
        XCTAssertEqual(try store.listCases().first?.dueDate?.iso, "2026-04-09")
    }

    func testListsMaskIDNumbersPhonesAndNames() throws {
        let store = try makeCounty()
        try store.accept(applicant: People.zhang)
        try store.accept(Items.elderCard, applicant: People.li)
        let list = try store.listCases()
        let byPhone = Dictionary(uniqueKeysWithValues: list.map { ($0.json["phone"]?.stringValue ?? "", $0.json) })
        let zhang = try XCTUnwrap(byPhone["138****5678"])
        XCTAssertEqual(zhang["idNumber"], "110105********002X")
        XCTAssertEqual(zhang["applicant"], "张**")
        let li = try XCTUnwrap(byPhone["0571-****8888"])
        XCTAssertEqual(li["idNumber"], "440524********0014")
        XCTAssertEqual(li["applicant"], "李**")
        for summary in list {
            let text = summary.json.canonicalString
            for secret in [People.zhang.idNumber, People.zhang.phone, People.li.idNumber, "88888888", People.zhang.name, People.li.name] {
                XCTAssertFalse(text.contains(secret), "\(secret) appears in \(text)")
            }
        }
    }

    func testAnOpenImmediateCaseHasNoDueDateInTheListAndIsDueSoon() throws {
        let store = try makeCounty()
        try store.accept(Items.elderCard)
        let summary = try XCTUnwrap(try store.listCases().first)
        XCTAssertNil(summary.dueDate)
        XCTAssertNil(summary.json["dueDate"])
        XCTAssertEqual(summary.deadlineStatus, .dueSoon, "an immediate case still open is due today")
    }

    func testCaseViewOfAnUnknownCaseIsCaseNotFound() throws {
        let store = try makeCounty()
        XCTAssertThrowsError(try store.caseView("330106-20260302-0042")) { error in
            XCTAssertEqual(error as? CaseError, .caseNotFound("330106-20260302-0042"))
        }
    }
}
