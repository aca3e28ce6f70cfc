import Foundation
import XCTest

/// Every printed document made through the built binary (`case print`), rendered to PDF by headless
/// Chromium and read back: document number, node name, case number, query code, the QR code's URL,
/// the rights sentence on refusals and denials, the full ID number on the applicant's own copy,
/// and one A4 page each.
final class PrintEndToEndTests: XCTestCase {
    static let base = "https://zwfw.chunan.gov.cn"
    static let nodeName = "淳安县政务服务中心"

    /// Prints one document and reads it back as a PDF, checking what every document carries.
    func printed(_ node: TestNode, _ number: String?, _ document: String, extra: [String] = [], now: String? = nil,
                 file: StaticString = #filePath, line: UInt = #line) throws -> (pdf: PrintedPDF, json: [String: Any]) {
        let target = node.file("\(number ?? "unaccepted")-\(document).html")
        var arguments = ["case", "print"] + (number.map { [$0] } ?? []) + ["--document", document, "--to", target, "--public-base", PrintEndToEndTests.base]
        arguments += extra
        guard let json = try node.json(arguments, now: now) as? [String: Any] else { throw E2EFailure("case print printed no object") }
        XCTAssertEqual(json["document"] as? String, document, file: file, line: line)
        let attributes = try FileManager.default.attributesOfItem(atPath: target)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, "the page holds a full ID number", file: file, line: line)
        let audited = try node.sql("SELECT target || '|' || detail FROM audit_trail WHERE action = 'print.\(document)' ORDER BY id DESC LIMIT 1")
        XCTAssertTrue(audited.hasSuffix("|" + target) && (number.map { audited.hasPrefix($0 + "|") } ?? true), "every print is audited: \(audited)", file: file, line: line)
        let pdf = try PrintedPDF(html: target)
        XCTAssertEqual(pdf.pages, 1, "\(document) fits one A4 page", file: file, line: line)
        let documentNumber = try XCTUnwrap(json["documentNumber"] as? String)
        XCTAssertTrue(pdf.contains("文书编号：" + documentNumber), "\(document): document number \(documentNumber)\n\(pdf.text)", file: file, line: line)
        XCTAssertTrue(pdf.contains(PrintEndToEndTests.nodeName), "\(document): node name", file: file, line: line)
        XCTAssertTrue(pdf.contains("（印章）"), "\(document): seal box", file: file, line: line)
        if let number {
            let shown = try node.show(number)
            let code = try XCTUnwrap(shown["queryCode"] as? String)
            // The number the case's changes recorded for this document when the log has one (state
            // `documents`), else the derivation from the case number, labelled on the page.
            let series = ["acceptance-notice": "acceptance", "refusal-notice": "refusal", "supplement-notice": "supplement", "decision": "decision"][document]
            let recorded = (shown["documents"] as? [[String: Any]])?.last { $0["kind"] as? String == series }?["number"] as? String
            if let recorded {
                XCTAssertEqual(documentNumber, recorded, "\(document): the recorded number", file: file, line: line)
                XCTAssertEqual(json["documentNumberDerived"] as? Bool, false, file: file, line: line)
                XCTAssertFalse(pdf.contains("由办件编号生成"), file: file, line: line)
            } else {
                XCTAssertEqual(json["documentNumberDerived"] as? Bool, true, file: file, line: line)
                XCTAssertTrue(documentNumber.hasPrefix(number + "-"), documentNumber, file: file, line: line)
                XCTAssertTrue(pdf.contains("（由办件编号生成）"), "\(document): a derived number says so", file: file, line: line)
            }
            XCTAssertTrue(pdf.contains("办件编号" + number), "\(document): case number\n\(pdf.text)", file: file, line: line)
            XCTAssertTrue(pdf.contains("查询码" + code), "\(document): query code", file: file, line: line)
            XCTAssertEqual(try pdf.qrText(), "\(PrintEndToEndTests.base)/public?number=\(number)&code=\(code)", "\(document): QR code", file: file, line: line)
        }
        return (pdf, json)
    }

    func testEveryDocumentOfALicenceCaseFromAcceptanceToDelivery() throws {
        let node = try TestNode.county()
        let number = try node.acceptNumber(.soleProprietor)
        let receipt = try printed(node, number, "acceptance-notice").pdf
        XCTAssertTrue(receipt.contains("受理通知书") && receipt.contains("（受理回执）"))
        XCTAssertTrue(receipt.contains(Applicants.name))
        XCTAssertTrue(receipt.contains(Applicants.id), "the applicant's own copy shows the full ID number")
        XCTAssertTrue(receipt.contains("2026年9月28日"))
        XCTAssertTrue(receipt.contains("决定予以受理"))

        try node.act("review", number, "--opinion", "进入审查", now: Day.at("2026-09-29"))
        try node.act("request-supplement", number, "--material", "premises_proof", "--note", "租赁合同需出租人签字", now: Day.at("2026-09-30"))
        let supplement = try printed(node, number, "supplement-notice", now: Day.at("2026-09-30")).pdf
        XCTAssertTrue(supplement.contains("补正告知书"))
        XCTAssertTrue(supplement.contains("经营场所使用证明"))
        XCTAssertTrue(supplement.contains("租赁合同需出租人签字"))
        XCTAssertTrue(supplement.contains(Applicants.id))
        XCTAssertTrue(supplement.contains("2026年9月30日"))

        let early = try node.failing("case", "print", number, "--document", "decision", "--to", node.file("early.html"), "--public-base", PrintEndToEndTests.base)
        XCTAssertEqual(try early.object()["error"] as? String, "document_not_allowed", early.transcript)
        XCTAssertTrue(early.stderr.contains("办件状态为「补正中」，不能打印行政许可决定书"), early.transcript)
        XCTAssertFalse(FileManager.default.fileExists(atPath: node.file("early.html")), "a refused print writes nothing")

        try node.act("supplement", number, "--material", "premises_proof", now: Day.at("2026-10-08"))
        try node.act("approve", number, "--opinion", "符合设立条件", now: Day.at("2026-10-09"))
        let approval = try printed(node, number, "decision", now: Day.at("2026-10-09")).pdf
        XCTAssertTrue(approval.contains("准予行政许可决定书"))
        XCTAssertTrue(approval.contains("决定准予行政许可"))
        XCTAssertTrue(approval.contains("《促进个体工商户发展条例》"), "the legal basis")
        XCTAssertTrue(approval.contains("2026年10月9日"))
        XCTAssertTrue(approval.contains(Applicants.id))
        XCTAssertFalse(approval.contains("行政复议"), "an approval carries no remedies")

        try node.act("issue", number, "--document-number", "淳市监个字〔2026〕第 0088 号", "--valid-until", "2036-10-08", now: Day.at("2026-10-09"))
        let approvalIssued = try printed(node, number, "decision", now: Day.at("2026-10-09")).pdf
        XCTAssertTrue(approvalIssued.contains("至2036年10月8日"), "validity")
        XCTAssertTrue(approvalIssued.contains("淳市监个字〔2026〕第0088号"))

        let blank = try printed(node, number, "delivery-receipt", now: Day.at("2026-10-09")).pdf
        XCTAssertTrue(blank.contains("送达回证"))
        XCTAssertTrue(blank.contains("受送达人签名（盖章）及签收日期"))
        XCTAssertTrue(blank.contains("直接送达（窗口领取，待领取）"))

        try node.act("deliver", number, "--method", "collected", now: Day.at("2026-10-12"))
        let receiptOfDelivery = try printed(node, number, "delivery-receipt", now: Day.at("2026-10-12")).pdf
        XCTAssertTrue(receiptOfDelivery.contains("营业执照（淳市监个字〔2026〕第0088号）"))
        XCTAssertTrue(receiptOfDelivery.contains("2026年10月12日"))
        XCTAssertTrue(receiptOfDelivery.contains("110105********002X"), "the file copy masks the ID number")
        XCTAssertFalse(receiptOfDelivery.contains(Applicants.id))
    }

    func testDenialAndRefusalStateTheRightsAndRenderHostileNamesAsText() throws {
        let node = try TestNode.county()
        let hostile = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>"
        let denied = try node.acceptNumber(.soleProprietor, name: hostile)
        try node.act("deny", denied, "--reason", "经营场所为住宅，未取得利害关系业主同意", "--reason", "经营范围属于禁止类项目", now: Day.at("2026-09-30"))
        let denial = try printed(node, denied, "decision", extra: ["--review-body", "淳安县人民政府", "--court", "淳安县人民法院"],
                                 now: Day.at("2026-09-30")).pdf
        XCTAssertTrue(denial.contains("不予行政许可决定书"))
        XCTAssertTrue(denial.contains("经营场所为住宅，未取得利害关系业主同意") && denial.contains("经营范围属于禁止类项目"))
        XCTAssertTrue(denial.contains("六十日内向淳安县人民政府申请行政复议"), denial.text)
        XCTAssertTrue(denial.contains("六个月内向淳安县人民法院提起行政诉讼"), denial.text)
        XCTAssertTrue(denial.contains(hostile), "the hostile name is printed as the text it is")
        let html = try String(contentsOfFile: node.file("\(denied)-decision.html"), encoding: .utf8)
        XCTAssertFalse(html.contains("<script>") || html.contains("<img"), "no markup from the name")

        let refusal = try node.json(TestNode.acceptArguments(item: Item.seniorCard.code, materials: Item.seniorCard.requiredMaterials)
            .map { $0 == "accept" ? "refuse" : $0 } + ["--reason", "申请人未满 60 周岁", "--reason", "户籍不在本县"]) as? [String: Any]
        let refused = try XCTUnwrap(refusal?["number"] as? String)
        let notice = try printed(node, refused, "refusal-notice").pdf
        XCTAssertTrue(notice.contains("不予受理通知书"))
        XCTAssertTrue(notice.contains("申请人未满60周岁") && notice.contains("户籍不在本县"))
        XCTAssertTrue(notice.contains("六十日内依法申请行政复议") && notice.contains("六个月内依法向人民法院提起行政诉讼"), notice.text)
        XCTAssertTrue(notice.contains(Applicants.id))

        let receipt = try node.failing("case", "print", refused, "--document", "acceptance-notice", "--to", node.file("x.html"), "--public-base", PrintEndToEndTests.base)
        let error = try receipt.object()
        XCTAssertEqual(error["error"] as? String, "document_not_allowed")
        XCTAssertEqual(error["allowed"] as? [String], ["refusal-notice"])
        XCTAssertTrue(receipt.stderr.contains("办件状态为「不予受理」，不能打印受理通知书"), receipt.transcript)
    }

    func testOneTimeNoticesForAToleratedAcceptanceAndForAnApplicationTurnedAway() throws {
        let node = try TestNode.county()
        let number = try XCTUnwrap(node.accept(.minimumLiving, materials: ["application", "id_card", "household_register"],
                                               extra: ["--tolerate-missing"])["number"] as? String)
        let notice = try printed(node, number, "one-time-notice").pdf
        XCTAssertTrue(notice.contains("一次性告知书"))
        XCTAssertTrue(notice.contains("共3项"))
        for owed in ["家庭收入情况声明", "家庭财产状况声明", "家庭经济状况核对授权书"] { XCTAssertTrue(notice.contains(owed), owed + "\n" + notice.text) }
        XCTAssertTrue(notice.contains(Applicants.id))

        let turnedAway = try printed(node, nil, "one-time-notice", extra: [
            "--item", Item.disabilityCard.code, "--applicant-name", "李四", "--applicant-id", "440524188001010014", "--phone", "13900001111",
            "--material", "id_card",
        ])
        XCTAssertTrue(turnedAway.pdf.contains("未受理，不生成办件编号"))
        XCTAssertTrue(turnedAway.pdf.contains("440524188001010014"))
        XCTAssertTrue(turnedAway.pdf.contains("共3项"))
        XCTAssertEqual(turnedAway.json["documentNumber"] as? String, "330127-GZ-20260928090000")
        XCTAssertTrue(try node.listNumbers().allSatisfy { $0 == number }, "turning an application away makes no case")
    }

    func testUnknownKindsAndMissingOptionsAreRefusedInChinese() throws {
        let node = try TestNode.county()
        let number = try node.acceptNumber(.seniorCard)
        let unknown = try node.failing("case", "print", number, "--document", "receipt", "--to", node.file("r.html"), "--public-base", PrintEndToEndTests.base)
        XCTAssertEqual(unknown.exitCode, 2)
        XCTAssertEqual(try unknown.object()["error"] as? String, "unknown_document")
        XCTAssertTrue(unknown.stderr.contains("未知的文书种类 receipt") && unknown.stderr.contains("acceptance-notice（受理通知书）"), unknown.transcript)

        let noBase = try node.failing("case", "print", number, "--document", "acceptance-notice", "--to", node.file("r.html"))
        XCTAssertTrue(noBase.stderr.contains("--public-base"), noBase.transcript)

        let badBase = try node.failing("case", "print", number, "--document", "acceptance-notice", "--to", node.file("r.html"), "--public-base", "javascript:alert(1)")
        XCTAssertEqual(try badBase.object()["error"] as? String, "invalid_public_base")

        let noCase = try node.failing("case", "print", "330127-20260928-9999", "--document", "acceptance-notice", "--to", node.file("r.html"), "--public-base", PrintEndToEndTests.base)
        XCTAssertTrue(noCase.stderr.contains("330127-20260928-9999"), noCase.transcript)

        let nowhere = try node.failing("case", "print", number, "--document", "acceptance-notice", "--to", node.file("missing-dir/r.html"), "--public-base", PrintEndToEndTests.base)
        XCTAssertEqual(try nowhere.object()["error"] as? String, "write_failed")
        XCTAssertFalse(FileManager.default.fileExists(atPath: node.file("r.html")), "no failed print leaves a file")
    }
}
