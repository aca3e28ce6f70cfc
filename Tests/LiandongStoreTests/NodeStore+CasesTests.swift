import Foundation
import LiandongDomain
import LiandongStore
import XCTest

final class NodeStoreCasesTests: NodeStoreTestCase {
    func testCaseNumbersIncreasePerDayAndRestartTheNextDay() throws {
        let store = try makeCounty()
        let monday = try (1...3).map { _ in try store.accept().number }
        XCTAssertEqual(monday, ["330106-20260302-0001", "330106-20260302-0002", "330106-20260302-0003"])
        clock.set("2026-03-03", hour: 8)
        XCTAssertEqual(try store.accept(Items.elderCard).number, "330106-20260303-0001")
        XCTAssertEqual(try store.accept().number, "330106-20260303-0002")
        clock.set("2026-03-03", hour: 23, minute: 59)
        XCTAssertEqual(try store.accept().number, "330106-20260303-0003")
        clock.set("2026-03-04", hour: 0, minute: 0)
        XCTAssertEqual(try store.accept().number, "330106-20260304-0001", "the day is the day in China Standard Time")
    }

    func testCaseNumbersContinueAfterReopen() throws {
        var store: NodeStore? = try makeCounty()
        try store?.accept()
        try store?.accept()
        store = nil
        XCTAssertEqual(try reopen().accept().number, "330106-20260302-0003")
    }

    func testTheCaseNumberCarriesTheDayOfTheAcceptance() throws {
        // A clock that moves on every reading: whatever the store reads it for, one acceptance is one
        // instant, so the number and the receipt's acceptance date never disagree across midnight.
        let store = try makeCounty()
        let midnight = TestClock.millis("2026-03-03", hour: 0)
        for offset in Int64(1)...12 {
            clock.set(millis: midnight - offset)
            let ticking = clock
            store.now = { ticking.advance(millis: 1); return ticking.now }
            let state = try store.accept()
            XCTAssertEqual(state.number.split(separator: "-")[1], Substring(state.acceptedOn.compact),
                           "\(state.number) accepted on \(state.acceptedOn) (\(offset) ms before midnight)")
        }
    }

    func testAFailedAcceptanceLeavesNoPhantomCase() throws {
        let store = try makeCounty()
        // A failure late in the transaction (disk full, an I/O error): here, a trigger on the clock write.
        try rawDatabase().execute("CREATE TRIGGER fail_clock BEFORE UPDATE ON node BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END")
        XCTAssertThrowsError(try store.accept())
        XCTAssertNil(try store.caseState("330106-20260302-0001"), "nothing was committed")
        XCTAssertEqual(try store.count("SELECT count(*) FROM changes WHERE kind LIKE 'case.%'"), 0)
        try rawDatabase().execute("DROP TRIGGER fail_clock")
        let retried = try store.accept()
        XCTAssertEqual(retried.number, "330106-20260302-0001", "the number was not used")
        try store.act(on: retried.number, .approve, payload: [:], actor: "审批员-王")
        try assertVerifiesClean(store)
    }

    func testAcceptedCaseRecordsTheApplicationAsMade() throws {
        let store = try makeCounty()
        let state = try store.accept(Items.relief, applicant: People.zhang)
        XCTAssertEqual(state.status, .accepted)
        XCTAssertEqual(state.item.code, Items.relief)
        XCTAssertEqual(state.applicant, People.zhang)
        XCTAssertEqual(state.acceptor, NodeStoreTestCase.countyCode)
        XCTAssertEqual(state.acceptedBy, "窗口-李")
        XCTAssertEqual(state.acceptedAt, clock.now)
        XCTAssertEqual(state.acceptedOn.iso, "2026-03-02")
        XCTAssertEqual(state.materials, Set(Items.reliefMaterials))
        let row = try XCTUnwrap(try rawDatabase().query("SELECT status, item_code, applicant_id, accepted_on FROM cases WHERE number = ?", [.text(state.number)]).first)
        XCTAssertEqual(row.text("status"), "accepted")
        XCTAssertEqual(row.text("item_code"), Items.relief)
        XCTAssertEqual(row.text("applicant_id"), People.zhang.idNumber)
        XCTAssertEqual(row.text("accepted_on"), "2026-03-02")
    }

    func testQueryCodesAreEightCharactersFromTheReceiptAlphabet() throws {
        let store = try makeCounty()
        let alphabet = Set("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
        var codes: Set<String> = []
        for _ in 0..<24 {
            let code = try store.accept(Items.elderCard).queryCode
            XCTAssertEqual(code.count, 8, code)
            XCTAssertTrue(code.allSatisfy(alphabet.contains), "\(code) uses only unambiguous characters")
            codes.insert(code)
        }
        XCTAssertEqual(codes.count, 24, "query codes are random, not derived from the number")
    }

    func testAnInvalidIDNumberIsRejectedAndNothingIsWritten() throws {
        let store = try makeCounty()
        let before = try writtenState(store)
        var applicant = People.zhang
        applicant.idNumber = "110105194912310021"  // check digit should be X
        let error = assertStoreError("invalid_id_number") { try store.accept(applicant: applicant) }
        XCTAssertEqual(error?.details["idNumber"], "110105********0021", "the error masks the number it names")
        applicant.idNumber = "11010520990101001X"  // born in the future
        assertStoreError("invalid_id_number") { try store.accept(applicant: applicant) }
        XCTAssertEqual(try writtenState(store), before)
        XCTAssertEqual(try store.accept().number, "330106-20260302-0001", "a rejected application uses no number")
    }

    func testAnInvalidCreditCodeIsRejected() throws {
        let store = try makeCounty()
        let company = Applicant(name: "某某商店", idType: .creditCode, idNumber: "91350100M000100Y42", phone: "13812345678")
        assertStoreError("invalid_credit_code") { try store.accept(Items.business, applicant: company) }
        XCTAssertEqual(try store.count("SELECT count(*) FROM cases"), 0)
    }

    func testAnInvalidPhoneIsRejectedAndNothingIsWritten() throws {
        let store = try makeCounty()
        let before = try writtenState(store)
        for phone in ["12345", "", "1381234567a"] {
            var applicant = People.zhang
            applicant.phone = phone
            assertStoreError("invalid_phone") { try store.accept(applicant: applicant) }
        }
        XCTAssertEqual(try writtenState(store), before)
    }

    func testAnEmptyApplicantNameIsRejected() throws {
        let store = try makeCounty()
        var applicant = People.zhang
        applicant.name = " "
        assertStoreError("invalid_applicant_name") { try store.accept(applicant: applicant) }
        XCTAssertEqual(try store.count("SELECT count(*) FROM cases"), 0)
    }

    func testAnUnknownItemIsRejectedNamingItAndNothingIsWritten() throws {
        let store = try makeCounty()
        let before = try writtenState(store)
        let error = assertStoreError("unknown_item") { try store.accept("999999999999") }
        XCTAssertEqual(error?.details["item"], "999999999999")
        XCTAssertEqual(try writtenState(store), before)
    }

    func testMissingMaterialsListEveryOneAndUseNoNumber() throws {
        let store = try makeCounty()
        let before = try writtenState(store)
        XCTAssertThrowsError(try store.accept(Items.relief, materials: ["id_card"])) { error in
            guard case CaseError.materialsMissing(let missing) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(missing.map(\.id), ["application", "household_register", "hardship_proof"], "the one-time notice lists all")
        }
        XCTAssertEqual(try writtenState(store), before)
        let tolerated = try store.acceptCase(AcceptRequest(
            itemCode: Items.relief, applicant: People.zhang, materials: ["id_card"], tolerateMissing: true, actor: "窗口-李"))
        XCTAssertEqual(tolerated.number, "330106-20260302-0001")
        XCTAssertEqual(tolerated.toleratedMissing, ["application", "household_register", "hardship_proof"])
    }

    func testARefusalIsRecordedWithItsReasons() throws {
        let store = try makeCounty()
        let refused = try store.acceptCase(AcceptRequest(
            itemCode: Items.relief, applicant: People.zhang, materials: [], actor: "窗口-李", refusalReasons: ["不属于本县户籍", "已享受同类救助"]))
        XCTAssertEqual(refused.status, .refused)
        XCTAssertEqual(refused.refusalReasons, ["不属于本县户籍", "已享受同类救助"])
        XCTAssertEqual(try store.changes(ofEntity: refused.number).map(\.kind), [CaseAction.refuse.kind])
    }

    func testActReturnsTheNewStateAndRecordsOneChange() throws {
        let store = try makeCounty()
        let number = try store.accept().number
        let reviewed = try store.act(on: number, .review, payload: ["opinion": "材料齐全"], actor: "审批员-王")
        XCTAssertEqual(reviewed.status, .underReview, "the county decides its own cases: review is 审查")
        XCTAssertEqual(try store.changes(ofEntity: number).map(\.kind), [CaseAction.accept.kind, CaseAction.review.kind])
        XCTAssertEqual(try store.caseState(number), reviewed)
    }

    // MARK: - helpers

    private struct Written: Equatable {
        var changes: Int64
        var cases: Int64
        var counters: Int64
    }

    private func writtenState(_ store: NodeStore) throws -> Written {
        Written(
            changes: try store.count("SELECT count(*) FROM changes"), cases: try store.count("SELECT count(*) FROM cases"),
            counters: try store.count("SELECT count(*) FROM case_counters"))
    }
}
