import Foundation
import XCTest

/// `case accept` at the county window: the receipt fields, the one-time notice (一次性告知书),
/// tolerated-missing acceptance (容缺受理) and every bad input, none of which writes anything.
final class AcceptEndToEndTests: XCTestCase {
    func testAcceptPrintsNumberQueryCodeStateDueDateAndDeadlineStatus() throws {
        let node = try TestNode.county()
        let accepted = try node.accept(.oldAgeAllowance)
        XCTAssertEqual(accepted["number"] as? String, "330127-20260928-0001", "{nodeCode}-{yyyymmdd}-{seq}")
        let queryCode = try XCTUnwrap(accepted["queryCode"] as? String)
        XCTAssertGreaterThanOrEqual(queryCode.count, 6)
        XCTAssertEqual(accepted["state"] as? String, "accepted")
        XCTAssertEqual(accepted["dueDate"] as? String, "2026-10-16", "10 working days after 2026-09-28 across 国庆 and the 10-10 make-up Saturday")
        XCTAssertEqual(accepted["deadlineStatus"] as? String, "on_time")
        XCTAssertEqual(accepted["acceptedOn"] as? String, "2026-09-28")
        XCTAssertEqual((accepted["item"] as? [String: Any])?["code"] as? String, Item.oldAgeAllowance.code)

        let second = try node.accept(.oldAgeAllowance, name: "李建国", id: Applicants.id("33012719500101001"))
        XCTAssertEqual(second["number"] as? String, "330127-20260928-0002")
        XCTAssertNotEqual(second["queryCode"] as? String, queryCode)
        let nextDay = try node.accept(.oldAgeAllowance, now: Day.at("2026-09-29"))
        XCTAssertEqual(nextDay["number"] as? String, "330127-20260929-0001", "the sequence starts again each day")

        let receipt = try node.run(TestNode.acceptArguments(item: Item.oldAgeAllowance.code, materials: Item.oldAgeAllowance.requiredMaterials))
        XCTAssertEqual(receipt.exitCode, 0, receipt.transcript)
        XCTAssertTrue(receipt.stdout.contains("受理回执"), receipt.transcript)
        XCTAssertTrue(receipt.stdout.contains("承诺办结日期：2026-10-16"), receipt.transcript)
        XCTAssertTrue(receipt.stdout.contains("110105********002X"), "the receipt masks the ID number\n\(receipt.transcript)")
    }

    func testAnImmediateItemHasNoDueDate() throws {
        let node = try TestNode.county()
        let accepted = try node.accept(.seniorCard)
        XCTAssertEqual(accepted["state"] as? String, "accepted")
        XCTAssertNil(accepted["dueDate"], "即办件 have no promised date")
        XCTAssertEqual(accepted["deadlineStatus"] as? String, "due_soon", "an open 即办件 is due on the day of acceptance")
        let listed = try node.array("case", "list")
        XCTAssertEqual(listed.count, 1)
        XCTAssertNil(listed[0]["dueDate"])

        let number = try XCTUnwrap(accepted["number"] as? String)
        let nextDay = try node.show(number, now: Day.at("2026-09-29"))
        XCTAssertEqual(nextDay["deadlineStatus"] as? String, "overdue", "not decided on the spot")
        XCTAssertNil(nextDay["dueDate"])

        let other = try node.acceptNumber(.seniorCard, name: "李秀兰")
        let approved = try node.act("approve", other)
        XCTAssertEqual(approved["deadlineStatus"] as? String, "on_time", "decided on the spot")
        XCTAssertEqual(try node.show(other, now: Day.at("2026-10-20"))["deadlineStatus"] as? String, "on_time")
    }

    func testMissingRequiredMaterialsAreAllListedAtOnceInTheOneTimeNotice() throws {
        let node = try TestNode.county()
        let changesBefore = try node.status()["changes"] as? Int
        let result = try node.failing(TestNode.acceptArguments(item: Item.minimumLiving.code, materials: ["id_card", "illness_disability_proof"]))
        let error = try result.object()
        XCTAssertEqual(error["error"] as? String, "materials_missing", result.transcript)
        let missing = try XCTUnwrap(error["missing"] as? [[String: Any]])
        XCTAssertEqual(missing.compactMap { $0["id"] as? String },
                       ["application", "household_register", "income_statement", "property_statement", "verification_consent"])
        XCTAssertEqual(missing.compactMap { $0["name"] as? String },
                       ["最低生活保障申请书", "居民户口簿", "家庭收入情况声明", "家庭财产状况声明", "家庭经济状况核对授权书"])

        XCTAssertTrue(result.stderr.contains("一次性告知书"), result.transcript)
        for (index, name) in ["最低生活保障申请书", "居民户口簿", "家庭收入情况声明", "家庭财产状况声明", "家庭经济状况核对授权书"].enumerated() {
            XCTAssertTrue(result.stderr.contains("\(index + 1). \(name)"), "the notice lists \(name)\n\(result.transcript)")
        }
        XCTAssertTrue(result.stderr.contains("张*"), "the notice masks the applicant's name\n\(result.transcript)")
        XCTAssertTrue(result.stderr.contains("容缺受理"), "the item allows tolerated-missing acceptance and the notice says so")

        // No case exists, but the notice itself is on the record (行政许可法 art. 32): one change, with its number.
        XCTAssertEqual(try node.array("case", "list").count, 0)
        XCTAssertEqual(try node.caseCount(), 0)
        XCTAssertEqual(try node.status()["changes"] as? Int, (changesBefore ?? 0) + 1)
        XCTAssertEqual(error["noticeNumber"] as? String, "330127告〔2026〕1号", result.transcript)
        XCTAssertTrue(result.stderr.contains("文号：330127告〔2026〕1号"), result.transcript)
        let notices = try XCTUnwrap(try node.object("notice", "list")["notices"] as? [[String: Any]])
        XCTAssertEqual(notices.count, 1)
        XCTAssertEqual(notices.first?["number"] as? String, "330127告〔2026〕1号")
        XCTAssertEqual((notices.first?["owed"] as? [[String: Any]])?.count, 5)
        XCTAssertEqual((notices.first?["applicant"] as? [String: Any])?["name"] as? String, "张**", "lists are masked")
        let again = try node.failing(TestNode.acceptArguments(item: Item.minimumLiving.code, materials: ["id_card"]))
        XCTAssertEqual(try again.object()["noticeNumber"] as? String, "330127告〔2026〕2号", "numbers follow on without asking anyone")
    }

    func testAcceptanceAndRefusalCarryDocumentNumbersAndRefusalTheApplicantsRights() throws {
        let node = try TestNode.county()
        let accepted = try node.accept(.oldAgeAllowance)
        let documents = try XCTUnwrap(accepted["documents"] as? [[String: Any]])
        XCTAssertEqual(documents.first?["number"] as? String, "330127受〔2026〕1号")
        XCTAssertEqual(documents.first?["kind"] as? String, "acceptance")
        var arguments = TestNode.acceptArguments(item: Item.oldAgeAllowance.code, materials: Item.oldAgeAllowance.requiredMaterials,
                                                 extra: ["--reason", "申请人不在本县居住"])
        arguments[1] = "refuse"
        let refused = try XCTUnwrap(try node.json(arguments) as? [String: Any])
        let refusal = try XCTUnwrap((refused["documents"] as? [[String: Any]])?.first)
        XCTAssertEqual(refusal["number"] as? String, "330127不受〔2026〕1号")
        let rights = try XCTUnwrap(refusal["rights"] as? [String: Any])
        XCTAssertEqual(rights["reconsiderationDays"] as? Int, 60)
        XCTAssertEqual(rights["litigationMonths"] as? Int, 6)
        XCTAssertTrue((rights["text"] as? String)?.contains("行政复议") ?? false)
        XCTAssertNil(refused["dueDate"], "a refused case has no deadline")
    }

    func testIdentifiersAreNormalisedAndTextBoundedAtTheWindow() throws {
        let node = try TestNode.county()
        let lower = try node.accept(.oldAgeAllowance, id: "11010519491231002x")
        XCTAssertEqual((lower["applicant"] as? [String: Any])?["idNumber"] as? String, "11010519491231002X", "one person, one spelling")
        let fullWidth = try node.failing(TestNode.acceptArguments(item: Item.oldAgeAllowance.code, materials: Item.oldAgeAllowance.requiredMaterials,
                                                                  id: "１１010519491231002X"))
        XCTAssertEqual(try fullWidth.object()["error"] as? String, "invalid_id_number", fullWidth.transcript)
        XCTAssertTrue(fullWidth.stderr.contains("全角"), fullWidth.transcript)
        let spaced = try node.failing(TestNode.acceptArguments(item: Item.oldAgeAllowance.code, materials: Item.oldAgeAllowance.requiredMaterials,
                                                               id: "110105 19491231002X"))
        XCTAssertTrue(spaced.stderr.contains("空格"), spaced.transcript)
        let long = try node.failing(TestNode.acceptArguments(item: Item.oldAgeAllowance.code, materials: Item.oldAgeAllowance.requiredMaterials,
                                                             name: String(repeating: "张", count: 120)))
        XCTAssertEqual(try long.object()["error"] as? String, "invalid_text", long.transcript)
        XCTAssertTrue(long.stderr.contains("申请人姓名长度 120 个字超过上限 100 个字"), long.transcript)
        let number = try XCTUnwrap(lower["number"] as? String)
        let escape = try node.failing("case", "forward", number, "--opinion", "同意\u{1B}[2J")
        XCTAssertEqual(try escape.object()["error"] as? String, "invalid_payload", escape.transcript)
        XCTAssertTrue(escape.stderr.contains("控制字符"), escape.transcript)
    }

    func testTolerateMissingAcceptsWhereTheItemAllowsIt() throws {
        let node = try TestNode.county()
        let accepted = try node.accept(.minimumLiving, materials: ["application", "id_card"], extra: ["--tolerate-missing"])
        XCTAssertEqual(accepted["state"] as? String, "accepted")
        XCTAssertEqual(accepted["toleratedMissing"] as? [String],
                       ["household_register", "income_statement", "property_statement", "verification_consent"])
        let timeline = try XCTUnwrap(accepted["timeline"] as? [[String: Any]])
        XCTAssertTrue((timeline.first?["summary"] as? String)?.hasPrefix("容缺受理") ?? false, "\(timeline)")
        XCTAssertEqual(accepted["dueDate"] as? String, "2026-10-30", "20 working days after 2026-09-28")

        let receipt = try node.run(TestNode.acceptArguments(
            item: Item.minimumLiving.code, materials: ["application", "id_card"], extra: ["--tolerate-missing"]))
        XCTAssertTrue(receipt.stdout.contains("容缺受理，请尽快补交：居民户口簿"), receipt.transcript)
    }

    func testTolerateMissingWhereTheItemDoesNotAllowItStillFails() throws {
        let node = try TestNode.county()
        let result = try node.failing(TestNode.acceptArguments(
            item: Item.disabilityCard.code, materials: ["id_card"], extra: ["--tolerate-missing"]))
        let error = try result.object()
        XCTAssertEqual(error["error"] as? String, "materials_missing", result.transcript)
        XCTAssertEqual((error["missing"] as? [[String: Any]])?.compactMap { $0["id"] as? String },
                       ["household_register", "photo", "disability_assessment"])
        XCTAssertTrue(result.stderr.contains("一次性告知书"), result.transcript)
        XCTAssertFalse(result.stderr.contains("该事项允许容缺受理"), "残疾人证 does not allow it\n\(result.transcript)")
        XCTAssertEqual(try node.caseCount(), 0)
    }

    func testBadApplicationsFailInChineseWithAnErrorCodeAndWriteNothing() throws {
        let node = try TestNode.county()
        let changesBefore = try node.status()["changes"] as? Int
        let good = Item.oldAgeAllowance
        let cases: [(name: String, arguments: [String], code: String, exit: Int32, says: String)] = [
            ("bad check digit", TestNode.acceptArguments(item: good.code, materials: good.requiredMaterials, id: Applicants.badCheckDigit),
             "invalid_id_number", 1, "校验码"),
            ("short ID number", TestNode.acceptArguments(item: good.code, materials: good.requiredMaterials, id: "11010519491231"),
             "invalid_id_number", 1, "居民身份证号码无效"),
            ("invalid phone", TestNode.acceptArguments(item: good.code, materials: good.requiredMaterials, phone: "1381234567"),
             "invalid_phone", 1, "联系电话无效"),
            ("unknown item", TestNode.acceptArguments(item: "000999999000", materials: ["id_card"]),
             "unknown_item", 1, "事项目录中没有事项 000999999000"),
            ("item the county may not accept", TestNode.acceptArguments(item: Item.houseNumber.code, materials: Item.houseNumber.requiredMaterials),
             "not_authorized", 1, "只能在"),
            ("unknown material", TestNode.acceptArguments(item: good.code, materials: good.requiredMaterials + ["passport"]),
             "invalid_payload", 1, "没有材料 passport"),
            ("unknown option", TestNode.acceptArguments(item: good.code, materials: good.requiredMaterials, extra: ["--colour", "red"]),
             "usage", 2, "未知选项 --colour"),
            ("missing option", ["case", "accept", "--item", good.code, "--applicant-id", Applicants.id, "--phone", Applicants.phone],
             "usage", 2, "缺少 --applicant-name"),
            ("empty name", TestNode.acceptArguments(item: good.code, materials: good.requiredMaterials, name: "  "),
             "invalid_applicant_name", 1, "姓名"),
        ]
        for entry in cases {
            let result = try node.run(entry.arguments + ["--json"])
            XCTAssertEqual(result.exitCode, entry.exit, "\(entry.name)\n\(result.transcript)")
            let error = try result.object()
            XCTAssertEqual(error["error"] as? String, entry.code, "\(entry.name)\n\(result.transcript)")
            XCTAssertNotNil(error["message"] as? String, entry.name)
            XCTAssertTrue(result.stderr.hasPrefix("错误："), "\(entry.name)\n\(result.transcript)")
            XCTAssertTrue(result.stderr.contains(entry.says), "\(entry.name)\n\(result.transcript)")
            XCTAssertFalse(result.stderr.contains(Applicants.id), "stderr never shows a full ID number: \(entry.name)")
        }
        XCTAssertEqual(try node.array("case", "list").count, 0)
        XCTAssertEqual(try node.caseCount(), 0)
        XCTAssertEqual(try node.status()["changes"] as? Int, changesBefore)
        XCTAssertEqual(try node.run("verify").exitCode, 0)
    }

    func testRefusalRecordsEveryReason() throws {
        let node = try TestNode.county()
        let refused = try node.object(
            "case", "refuse", "--item", Item.disabilityCard.code, "--applicant-name", "王小明", "--applicant-id", Applicants.id,
            "--phone", "0571-64881234", "--material", "id_card", "--reason", "申请人不属于本县户籍", "--reason", "未提供残疾评定表")
        XCTAssertEqual(refused["state"] as? String, "refused")
        XCTAssertEqual(refused["refusalReasons"] as? [String], ["申请人不属于本县户籍", "未提供残疾评定表"])
        let number = try XCTUnwrap(refused["number"] as? String)
        XCTAssertEqual(try node.listNumbers("--state", "refused"), [number])

        let noReason = try node.failing("case", "refuse", "--item", Item.disabilityCard.code, "--applicant-name", "王小明",
                                        "--applicant-id", Applicants.id, "--phone", Applicants.phone)
        XCTAssertEqual(try noReason.object()["error"] as? String, "usage")
        XCTAssertTrue(noReason.stderr.contains("理由"), noReason.transcript)

        let text = try node.run("case", "refuse", "--item", Item.disabilityCard.code, "--applicant-name", "王小明",
                                "--applicant-id", Applicants.id, "--phone", Applicants.phone, "--reason", "材料不符")
        XCTAssertTrue(text.stdout.contains("不予受理通知书") && text.stdout.contains("1. 材料不符"), text.transcript)
    }
}
