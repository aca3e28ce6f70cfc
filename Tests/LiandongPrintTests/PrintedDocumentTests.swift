import LiandongDomain
import LiandongPrint
import XCTest

/// The rendered pages: each carries its number, the issuing node's name, the date, the seal box,
/// the case number, query code and QR code, and what the law requires of it; nothing from a case
/// is ever markup.
final class PrintedDocumentTests: XCTestCase {
    func testAcceptanceNoticeCarriesEveryRequiredField() throws {
        var fixtures = PrintFixtures()
        fixtures.accept()
        let html = try PrintedDocument.render(.acceptanceNotice, fixtures.request())
        for expected in [
            "受理通知书", "（受理回执）", "330127101201-20260928-0001-SL", "（由办件编号生成）", "千岛湖镇青溪村便民服务代办点",
            "2026年9月28日", "class=\"seal\"", "（印章）", "330127101201-20260928-0001", "K7M2Q9XW", "<svg class=\"qr\"",
            "王建国", "11010519491231002X", "138****5678", "农村宅基地和建房（规划许可）申请表", "第三十二条", "承诺办结日期",
            "https://zwfw.chunan.gov.cn/public?number=330127101201-20260928-0001&amp;code=K7M2Q9XW",
        ] {
            XCTAssertTrue(html.contains(expected), "missing \(expected)")
        }
        XCTAssertFalse(html.contains("13812345678"), "the phone is masked on paper")
    }

    func testPageIsSelfContainedA4() throws {
        var fixtures = PrintFixtures()
        fixtures.accept()
        let html = try PrintedDocument.render(.acceptanceNotice, fixtures.request())
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.contains("@page{size:A4;margin:"))
        XCTAssertTrue(html.contains("<meta charset=\"utf-8\">"))
        // No external request of any kind: no links, scripts, images, font files or imports.
        for forbidden in ["<link", "<script", "<img", "@import", "@font-face", "url(", "src="] {
            XCTAssertFalse(html.contains(forbidden), "page contains \(forbidden)")
        }
        // The only absolute URLs are the SVG namespace and the public status address itself.
        let urls = html.components(separatedBy: "http").dropFirst().map { String($0.prefix(30)) }
        for url in urls {
            XCTAssertTrue(url.hasPrefix("://www.w3.org/2000/svg") || url.hasPrefix("s://zwfw.chunan.gov.cn/public"), url)
        }
    }

    func testHostileApplicantNameRendersAsText() throws {
        var fixtures = PrintFixtures()
        fixtures.name = PrintFixtures.hostileName
        fixtures.accept(materials: ["application"], tolerate: true)
        for kind in try PrintedDocument.kinds(allowedFor: fixtures.state()) {
            let html = try PrintedDocument.render(kind, fixtures.request())
            XCTAssertFalse(html.contains("<script>alert"), "\(kind)")
            XCTAssertFalse(html.contains("<img src=x"), "\(kind)")
            XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"), "\(kind)")
        }
    }

    func testOneTimeNoticeListsEveryOwedMaterialAtOnce() throws {
        var fixtures = PrintFixtures()
        fixtures.accept(materials: ["id_card"], tolerate: true)
        let html = try PrintedDocument.render(.oneTimeNotice, fixtures.request())
        XCTAssertTrue(html.contains("一次性告知"))
        XCTAssertTrue(html.contains("第三十二条第一款第（四）项"))
        XCTAssertTrue(html.contains("共 3 项"))
        for owed in ["农村宅基地和建房（规划许可）申请表", "户口簿", "宅基地坐落平面位置图"] { XCTAssertTrue(html.contains(owed), owed) }
        XCTAssertFalse(html.contains("现场照片"), "an optional material is not owed")
    }

    func testOneTimeNoticeWithoutACaseSaysNoNumberExists() throws {
        let item = try ServiceItem.parse(PrintFixtures.item())
        let application = UnacceptedApplication(
            item: item, applicant: Applicant(name: "李四", idNumber: "440524188001010014", phone: "13900001111"),
            provided: ["id_card"], on: LocalDate(epochMillis: PrintFixtures.monday))
        let request = PrintRequest(
            subject: .unaccepted(application), node: PrintingNode(code: "330127", fullName: "淳安县政务服务中心"),
            publicBase: "http://127.0.0.1:8080", printedAt: PrintFixtures.monday)
        let html = try PrintedDocument.render(.oneTimeNotice, request)
        XCTAssertTrue(html.contains("330127-GZ-20260928090000"))
        XCTAssertTrue(html.contains("（由节点编码和打印时间生成）"))
        XCTAssertTrue(html.contains("未受理，不生成办件编号"))
        XCTAssertTrue(html.contains("440524188001010014"))
        XCTAssertTrue(html.contains("共 3 项"))
        XCTAssertFalse(html.contains("<svg"), "no case, no status page, no QR code")
    }

    func testRecordedOneTimeNoticePrintsItsOwnNumberAndIssuerElsewhere() throws {
        let item = try ServiceItem.parse(PrintFixtures.item())
        let owed = [Material(id: "site_plan", name: "宅基地坐落平面位置图"), Material(id: "retired", name: "已停用的材料")]
        let application = UnacceptedApplication(
            item: item, applicant: Applicant(name: "李四", idNumber: "440524188001010014", phone: ""), owed: owed,
            on: LocalDate(epochMillis: PrintFixtures.monday), note: "请带原件", issuedBy: PrintFixtures.village)
        let request = PrintRequest(
            subject: .unaccepted(application), node: PrintingNode(code: PrintFixtures.county, fullName: "淳安县政务服务中心"),
            nodeNames: [PrintFixtures.village: "千岛湖镇青溪村便民服务代办点"], publicBase: "https://zwfw.chunan.gov.cn",
            printedAt: PrintFixtures.monday + 86_400_000, documentNumber: "330127101201告〔2026〕3号")
        let html = try PrintedDocument.render(.oneTimeNotice, request)
        XCTAssertTrue(html.contains("<div class=\"issuer\">千岛湖镇青溪村便民服务代办点</div>"), "the village gave the notice")
        XCTAssertTrue(html.contains("打印单位：淳安县政务服务中心"), "the county printed it")
        XCTAssertTrue(html.contains("330127101201告〔2026〕3号"))
        XCTAssertFalse(html.contains("由节点编码和打印时间生成"))
        XCTAssertTrue(html.contains("已停用的材料") && html.contains("请带原件"))
        XCTAssertFalse(html.contains("联系电话"), "no phone recorded, no empty phone row")
    }

    func testRefusalStatesEveryReasonAndTheRemedies() throws {
        var fixtures = PrintFixtures()
        fixtures.accept(refuse: ["申请事项不属于本机关职权范围", "申请人不具备本村集体经济组织成员资格"])
        let html = try PrintedDocument.render(.refusalNotice, fixtures.request(remedies: Remedies(reviewBody: "淳安县人民政府", court: "淳安县人民法院")))
        XCTAssertTrue(html.contains("不予受理通知书"))
        XCTAssertTrue(html.contains("申请事项不属于本机关职权范围"))
        XCTAssertTrue(html.contains("申请人不具备本村集体经济组织成员资格"))
        XCTAssertTrue(html.contains("六十日内向淳安县人民政府申请行政复议"))
        XCTAssertTrue(html.contains("六个月内向淳安县人民法院提起行政诉讼"))
    }

    func testRemediesWithoutNamedBodiesStillStateTheRights() throws {
        var fixtures = PrintFixtures()
        fixtures.accept(refuse: ["材料虚假"])
        let html = try PrintedDocument.render(.refusalNotice, fixtures.request())
        XCTAssertTrue(html.contains("六十日内依法申请行政复议"))
        XCTAssertTrue(html.contains("六个月内依法向人民法院提起行政诉讼"))
    }

    func testSupplementNoticeSaysWhetherTheClockStops() throws {
        for pauses in [true, false] {
            var fixtures = PrintFixtures()
            fixtures.accept(item: PrintFixtures.item(pauses: pauses))
            fixtures.add(PrintFixtures.village, .forward)
            fixtures.add(PrintFixtures.township, .requestSupplement, ["materials": ["site_plan", "household_register"], "note": "平面图需村委会盖章"])
            let html = try PrintedDocument.render(.supplementNotice, fixtures.request())
            XCTAssertTrue(html.contains("补正告知书"))
            XCTAssertTrue(html.contains("千岛湖镇便民服务中心"), "issued by the township that asked")
            XCTAssertTrue(html.contains("宅基地坐落平面位置图") && html.contains("户口簿"))
            XCTAssertTrue(html.contains("平面图需村委会盖章"))
            XCTAssertEqual(html.contains("补正期间不计入办理时限"), pauses)
        }
    }

    func testApprovalIsALicenceDecisionWithBasisAndValidity() throws {
        let html = try PrintedDocument.render(.decision, PrintFixtures.decided(approved: true).request(documentNumber: "千岛湖镇宅准字〔2026〕第 17 号"))
        XCTAssertTrue(html.contains("准予行政许可决定书"))
        XCTAssertTrue(html.contains("千岛湖镇宅准字〔2026〕第 17 号"))
        XCTAssertFalse(html.contains("由办件编号生成"), "a recorded number is not labelled as derived")
        XCTAssertTrue(html.contains("决定准予行政许可"))
        XCTAssertTrue(html.contains("《中华人民共和国土地管理法》第六十二条"))
        XCTAssertTrue(html.contains("至2028年9月30日"))
        XCTAssertTrue(html.contains("淳宅批〔2026〕17号"))
        XCTAssertTrue(html.contains("第四十四条"))
        XCTAssertTrue(html.contains("千岛湖镇便民服务中心"), "signed by the deciding node")
        XCTAssertFalse(html.contains("行政复议"))
    }

    func testDenialGivesReasonsAndRemedies() throws {
        let html = try PrintedDocument.render(.decision, PrintFixtures.decided(approved: false).request())
        XCTAssertTrue(html.contains("不予行政许可决定书"))
        XCTAssertTrue(html.contains("申请人已有宅基地，不符合一户一宅规定"))
        XCTAssertTrue(html.contains("选址位于永久基本农田"))
        XCTAssertTrue(html.contains("行政复议") && html.contains("六十日") && html.contains("行政诉讼") && html.contains("六个月"))
    }

    func testNonLicenceItemGetsAResultNotice() throws {
        var fixtures = PrintFixtures()
        fixtures.accept(item: PrintFixtures.item(type: "administrative_payment"))
        fixtures.add(PrintFixtures.village, .forward)
        fixtures.add(PrintFixtures.township, .deny, ["reasons": ["家庭收入高于当地标准"]])
        let html = try PrintedDocument.render(.decision, fixtures.request())
        XCTAssertTrue(html.contains("<h1>办理结果通知书</h1>"))
        XCTAssertTrue(html.contains("决定不予办理"))
        XCTAssertTrue(html.contains("申请行政复议"))
    }

    func testDeliveryReceiptHasSignatureSpaceAndMasksTheID() throws {
        let fixtures = try PrintFixtures.decided(approved: true, delivered: true)
        let html = try PrintedDocument.render(.deliveryReceipt, fixtures.request())
        XCTAssertTrue(html.contains("送达回证"))
        XCTAssertTrue(html.contains("直接送达（窗口领取）"))
        XCTAssertTrue(html.contains("受送达人签名（盖章）及签收日期"))
        XCTAssertTrue(html.contains("农村宅基地批准书（淳宅批〔2026〕17号）"))
        XCTAssertTrue(html.contains("110105********002X"))
        XCTAssertFalse(html.contains("11010519491231002X"), "the file copy masks the ID number")
        XCTAssertTrue(html.contains("王建国"))
    }

    func testDerivedNumbersAreDistinctPerDocumentAndSupplementRound() throws {
        var fixtures = PrintFixtures()
        fixtures.accept()
        fixtures.add(PrintFixtures.village, .forward)
        fixtures.add(PrintFixtures.township, .requestSupplement, ["materials": ["site_plan"]])
        fixtures.add(PrintFixtures.village, .recordSupplement, ["materials": ["site_plan"]])
        fixtures.add(PrintFixtures.township, .requestSupplement, ["materials": ["household_register"]])
        let request = try fixtures.request()
        XCTAssertEqual(PrintedNumber.resolve(kind: .supplementNotice, request: request).text, "330127101201-20260928-0001-BZ2")
        let numbers = Set(PrintedDocumentKind.allCases.map { PrintedNumber.resolve(kind: $0, request: request).text })
        XCTAssertEqual(numbers.count, PrintedDocumentKind.allCases.count)
    }

    func testAPublicBaseThatIsNotAnHTTPURLIsRefused() throws {
        var fixtures = PrintFixtures()
        fixtures.accept()
        var request = try fixtures.request()
        request.publicBase = "javascript:alert(1)"
        XCTAssertThrowsError(try PrintedDocument.render(.acceptanceNotice, request)) { error in
            XCTAssertEqual((error as? PrintError)?.code, "invalid_public_base")
        }
    }

    func testManyLongReasonsAllPrint() throws {
        var fixtures = PrintFixtures()
        let reasons = (1...30).map { "第\($0)条理由：" + String(repeating: "申请材料与事实不符，", count: 8) }
        fixtures.accept(refuse: reasons)
        let html = try PrintedDocument.render(.refusalNotice, fixtures.request())
        XCTAssertEqual(html.components(separatedBy: "<li>").count - 1, 30, "every reason, none dropped to fit a page")
        XCTAssertTrue(html.contains("第30条理由"))
    }

    func testPublicStatusURLEscapesItsValues() {
        XCTAssertEqual(PrintedDocument.publicStatusURL(base: "https://a.gov.cn//", number: "330127-20260928-0001", code: "AB&C D"),
                       "https://a.gov.cn/public?number=330127-20260928-0001&code=AB%26C%20D")
    }
}
