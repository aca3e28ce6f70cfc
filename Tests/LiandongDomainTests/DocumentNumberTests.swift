import XCTest
@testable import LiandongDomain

/// Document numbers (文号) and the documents a case's changes issue.
final class DocumentNumberTests: XCTestCase {
    typealias F = CaseFixtures

    func testANumberReadsAsNodeSeriesYearAndSequenceAndParsesBack() throws {
        let number = DocumentNumber(node: F.village, kind: .refusal, year: 2025, sequence: 12)
        XCTAssertEqual(number.description, "330102001201不受〔2025〕12号")
        XCTAssertEqual(DocumentNumber(number.description), number)
        for kind in DocumentKind.allCases {
            let made = DocumentNumber(node: F.county, kind: kind, year: 2026, sequence: 1)
            XCTAssertEqual(DocumentNumber(made.description), made, "\(kind) round-trips")
        }
    }

    func testMalformedNumbersAreNotRead() {
        for text in ["", "330102受〔2026〕号", "330102受〔2026〕01号", "330102受〔26〕1号", "3301受〔2026〕1号", "330102甲〔2026〕1号",
                     "330102受〔2026〕1", "330102受(2026)1号", "330102受〔２０２６〕1号"] {
            XCTAssertNil(DocumentNumber(text), text)
        }
    }

    func testAcceptanceAndRefusalCarryTheirNumbersAndTheRefusalTheApplicantsRights() throws {
        var h = F.History()
        var change = h.acceptance()
        let year = change.wallDate.year
        change.payload = stamped(change.payload, "\(F.village)受〔\(year)〕3号")
        let accepted = try CaseReducer.apply(change, to: nil)
        XCTAssertEqual(accepted.document(.acceptance)?.number, "\(F.village)受〔\(year)〕3号")
        XCTAssertNil(accepted.document(.acceptance)?.rights)

        var h2 = F.History()
        let refusal = h2.make(F.village, .refuse, ["number": .string(h2.number), "queryCode": "Q", "item": F.itemJSON(), "applicant": F.applicant,
                                                   "materials": [], "reasons": ["不属于本事项受理范围"],
                                                   "documentNumber": .string("\(F.village)不受〔\(year)〕1号")])
        let refused = try CaseReducer.apply(refusal, to: nil)
        let document = try XCTUnwrap(refused.document(.refusal))
        XCTAssertEqual(document.rights, .statutory)
        XCTAssertTrue(document.rights?.text.contains("六十日内依法申请行政复议") ?? false)
        XCTAssertTrue(document.rights?.text.contains("六个月内依法向人民法院提起行政诉讼") ?? false)
        XCTAssertEqual(refused.json["documents"]?.arrayValue?.count, 1, "documents are part of the state every replica hashes")
    }

    func testANumberOfAnotherNodeOrAnotherSeriesIsRefused() {
        for bad in ["\(F.township)受〔2025〕1号", "\(F.village)补〔2025〕1号", "受理第1号"] {
            var h = F.History()
            var change = h.acceptance()
            change.payload = stamped(change.payload, bad.replacingOccurrences(of: "2025", with: String(change.wallDate.year)))
            XCTAssertThrowsError(try CaseReducer.apply(change, to: nil), bad) { error in
                XCTAssertEqual((error as? CaseError)?.code, "invalid_payload", bad)
            }
        }
    }

    func testDenialCarriesADecisionNumberAndRightsApprovalOnlyTheNumber() throws {
        for approve in [true, false] {
            var h = F.History()
            let accept = h.acceptance(at: F.county)
            let year = accept.wallDate.year
            var payload: JSONValue = ["documentNumber": .string("\(F.county)决〔\(year)〕7号")]
            if !approve, case .object(var fields) = payload {
                fields["reasons"] = ["收入超过标准"]
                payload = .object(fields)
            }
            let decide = h.make(F.county, approve ? .approve : .deny, payload)
            let state = try F.fold([accept, decide])
            XCTAssertEqual(state.document(.decision)?.number, "\(F.county)决〔\(year)〕7号")
            XCTAssertEqual(state.document(.decision)?.rights == nil, approve)
        }
    }

    func testChangesRecordedBeforeNumbersExistedStillApply() throws {
        var h = F.History()
        let state = try CaseReducer.apply(h.acceptance(), to: nil)
        XCTAssertEqual(state.documents, [])
    }

    func testTheOneTimeNoticeReadsBackFromItsChangeAndNeedsWhatIsOwed() throws {
        let applicant = Applicant(name: "张三", idNumber: "11010519491231002X", phone: "13800000000")
        var h = F.History()
        var change = h.make(F.village, .accept)
        let number = "\(F.village)告〔\(change.wallDate.year)〕1号"
        change.kind = NoticeKind.oneTimeIssued
        change.entity = NoticeKind.entity(number)
        change.payload = [
            "documentNumber": .string(number), "item": ["code": "X1", "name": "低保", "version": 1], "applicant": applicant.json,
            "owed": [["id": "household", "name": "户口簿"]], "note": .null,
        ]
        let notice = try OneTimeNotice(change)
        XCTAssertEqual(notice.number, number)
        XCTAssertEqual(notice.owed.map(\.name), ["户口簿"])
        XCTAssertEqual(notice.json(masked: true)["applicant"]?["idNumber"]?.stringValue, Masking.idNumber("11010519491231002X"))

        var empty = change
        empty.payload = stamped(change.payload, number, owed: [])
        XCTAssertThrowsError(try OneTimeNotice(empty))
        var wrongEntity = change
        wrongEntity.entity = "notice:other"
        XCTAssertThrowsError(try OneTimeNotice(wrongEntity))
    }

    private func stamped(_ payload: JSONValue, _ number: String, owed: [JSONValue]? = nil) -> JSONValue {
        guard case .object(var fields) = payload else { return payload }
        fields["documentNumber"] = .string(number)
        if let owed { fields["owed"] = .array(owed) }
        return .object(fields)
    }
}
