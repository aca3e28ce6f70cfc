import Foundation
import XCTest

/// Whole case lives on one county node (the county accepts and decides its own items, and decides
/// township items itself when it accepts them), driven step by step through the binary.
final class CaseLifeEndToEndTests: XCTestCase {
    func testCountyItemFromAcceptanceThroughSupplementToMailedDeliveryAndEvaluation() throws {
        let node = try TestNode.county()
        let number = try XCTUnwrap(try node.accept(.minimumLiving, extra: ["--actor", "窗口01"])["number"] as? String)
        XCTAssertEqual(try node.show(number)["dueDate"] as? String, "2026-10-30")

        let reviewed = try node.act("review", number, "--opinion", "材料齐全，进入审查", now: Day.at("2026-09-29"))
        XCTAssertEqual(reviewed["state"] as? String, "under_review", "the county is the decider: its review is 审查, not 初审")

        let asked = try node.act("request-supplement", number, "--material", "income_statement", "--note", "收入声明需村委会盖章",
                                 now: Day.at("2026-09-30"))
        XCTAssertEqual(asked["state"] as? String, "awaiting_supplement")
        XCTAssertEqual(asked["clockPaused"] as? Bool, true)
        XCTAssertEqual((asked["supplement"] as? [String: Any])?["materials"] as? [String], ["income_statement"])
        XCTAssertEqual(asked["supplementRounds"] as? Int, 1)

        let supplied = try node.act("supplement", number, "--material", "income_statement", now: Day.at("2026-10-08"))
        XCTAssertEqual(supplied["state"] as? String, "under_review", "back where the request found it")
        XCTAssertEqual(supplied["clockPaused"] as? Bool, false)
        XCTAssertTrue(supplied["supplement"] is NSNull)
        // Paused from 09-30 to 10-08: the working day 10-08 does not count, so 20 working days end on 11-02, not 10-30.
        XCTAssertEqual(supplied["dueDate"] as? String, "2026-11-02")

        let approved = try node.act("approve", number, "--opinion", "符合低保条件", now: Day.at("2026-10-09"))
        XCTAssertEqual(approved["state"] as? String, "approved")
        let decision = try XCTUnwrap(approved["decision"] as? [String: Any])
        XCTAssertEqual(decision["approved"] as? Bool, true)
        XCTAssertEqual(decision["by"] as? String, "330127")
        XCTAssertEqual(decision["on"] as? String, "2026-10-09")

        let issued = try node.act("issue", number, "--document-name", "最低生活保障审核确认决定书", "--document-number", "淳民低〔2026〕88号",
                                  now: Day.at("2026-10-09"))
        XCTAssertEqual(issued["state"] as? String, "result_ready")
        XCTAssertEqual((issued["result"] as? [String: Any])?["number"] as? String, "淳民低〔2026〕88号")

        let noTracking = try node.failing("case", "deliver", number, "--method", "mailed", now: Day.at("2026-10-10"))
        let error = try noTracking.object()
        XCTAssertEqual(error["error"] as? String, "invalid_payload", noTracking.transcript)
        XCTAssertEqual(error["field"] as? String, "payload.trackingNumber")
        XCTAssertTrue(noTracking.stderr.contains("运单号"), noTracking.transcript)
        XCTAssertEqual(try node.show(number)["state"] as? String, "result_ready", "the failed delivery wrote nothing")

        let delivered = try node.act("deliver", number, "--method", "mailed", "--tracking-number", "SF1234567890", now: Day.at("2026-10-10"))
        XCTAssertEqual(delivered["state"] as? String, "delivered")
        let delivery = try XCTUnwrap(delivered["deliveredBy"] as? [String: Any])
        XCTAssertEqual(delivery["method"] as? String, "mailed")
        XCTAssertEqual(delivery["trackingNumber"] as? String, "SF1234567890")

        let evaluated = try node.act("evaluate", number, "--level", "2", "--comment", "办事方便", now: Day.at("2026-10-12"))
        let evaluation = try XCTUnwrap(evaluated["evaluation"] as? [String: Any])
        XCTAssertEqual(evaluation["level"] as? Int, 2)
        XCTAssertEqual(evaluation["levelName"] as? String, "满意")
        XCTAssertTrue(evaluation["followUp"] is NSNull, "满意 opens no follow-up")

        let shown = try node.show(number)
        XCTAssertEqual(shown["state"] as? String, "delivered")
        XCTAssertEqual(shown["acceptor"] as? String, "330127")
        XCTAssertEqual(shown["decider"] as? String, "330127")
        XCTAssertEqual(shown["holder"] as? String, "330127")
        XCTAssertEqual(shown["acceptedBy"] as? String, "窗口01")
        XCTAssertEqual(shown["deadlineStatus"] as? String, "on_time", "decided 10-09, due 11-02")
        let timeline = try XCTUnwrap(shown["timeline"] as? [[String: Any]])
        XCTAssertEqual(timeline.compactMap { $0["kind"] as? String }, [
            "case.accepted", "case.reviewed", "case.supplement_requested", "case.supplement_received", "case.approved",
            "case.result_issued", "case.delivered", "case.evaluated",
        ])
        XCTAssertEqual(Set(timeline.compactMap { $0["origin"] as? String }), ["330127"])
        XCTAssertEqual(timeline[0]["actor"] as? String, "窗口01")
        XCTAssertEqual(timeline[1]["actor"] as? String, "本机操作员（e2e）", "without --actor: the local operator, with the login name")
        XCTAssertEqual(timeline[2]["summary"] as? String, "补正告知：家庭收入情况声明")
        XCTAssertEqual(timeline[6]["summary"] as? String, "邮寄送达，运单号 SF1234567890")
        let seqs = timeline.compactMap { $0["seq"] as? Int }
        XCTAssertEqual(seqs, seqs.sorted(), "steps in the order they were made")

        let text = try node.run("case", "show", number)
        XCTAssertTrue(text.stdout.contains("办理过程") && text.stdout.contains("2026-10-09  330127  本机操作员（e2e）  准予：符合低保条件"), text.transcript)
        XCTAssertEqual(try node.run("verify").exitCode, 0)
    }

    func testCollectedDeliveryAndAPoorEvaluationOpenAndCloseAFollowUp() throws {
        let node = try TestNode.county()
        let number = try node.acceptNumber(.oldAgeAllowance)
        XCTAssertEqual(try node.show(number)["decider"] as? String, "330127", "a township item accepted at the county is decided by the county")
        XCTAssertEqual(try node.act("approve", number, now: Day.at("2026-10-08"))["state"] as? String, "approved")
        let issued = try node.act("issue", number, now: Day.at("2026-10-08"))
        XCTAssertEqual((issued["result"] as? [String: Any])?["name"] as? String, "高龄津贴申领结果", "the default document name")
        let delivered = try node.act("deliver", number, now: Day.at("2026-10-09"))
        XCTAssertEqual((delivered["deliveredBy"] as? [String: Any])?["method"] as? String, "collected")
        XCTAssertTrue((delivered["deliveredBy"] as? [String: Any])?["trackingNumber"] is NSNull)

        let evaluated = try node.act("evaluate", number, "--level", "不满意", "--comment", "等待太久", now: Day.at("2026-10-09"))
        let evaluation = try XCTUnwrap(evaluated["evaluation"] as? [String: Any])
        XCTAssertEqual(evaluation["level"] as? Int, 4)
        let followUp = try XCTUnwrap(evaluation["followUp"] as? [String: Any], "不满意 opens a follow-up (回访整改)")
        XCTAssertEqual(followUp["openedOn"] as? String, "2026-10-09")
        XCTAssertEqual(followUp["workingDays"] as? Int, 5)
        XCTAssertTrue(followUp["closedOn"] is NSNull)

        let again = try node.failing("case", "evaluate", number, "--level", "1")
        XCTAssertEqual(try again.object()["error"] as? String, "transition_not_allowed", "one evaluation per case")

        let closed = try node.act("follow-up", number, "--result", "已电话回访并致歉，流程已优化", now: Day.at("2026-10-12"))
        let closedFollowUp = try XCTUnwrap((closed["evaluation"] as? [String: Any])?["followUp"] as? [String: Any])
        XCTAssertEqual(closedFollowUp["closedOn"] as? String, "2026-10-12")
        XCTAssertEqual(closedFollowUp["result"] as? String, "已电话回访并致歉，流程已优化")

        let twice = try node.failing("case", "follow-up", number, "--result", "再次回访")
        XCTAssertEqual(try twice.object()["error"] as? String, "no_follow_up")
        XCTAssertTrue(twice.stderr.contains("没有待处理的回访整改"), twice.transcript)

        let timeline = try XCTUnwrap(try node.show(number)["timeline"] as? [[String: Any]])
        XCTAssertEqual(timeline.count, 6)
        XCTAssertEqual(timeline.last?["summary"] as? String, "回访整改完成：已电话回访并致歉，流程已优化")
    }

    func testEachOfTheFiveEvaluationLevels() throws {
        let node = try TestNode.county()
        let levels: [(given: String, code: Int, name: String, followUp: Bool)] = [
            ("1", 1, "非常满意", false), ("满意", 2, "满意", false), ("3", 3, "基本满意", false),
            ("4", 4, "不满意", true), ("非常不满意", 5, "非常不满意", true),
        ]
        for (index, level) in levels.enumerated() {
            let number = try node.acceptNumber(.seniorCard, name: "申请人\(index)")
            try node.act("approve", number)
            try node.act("issue", number)
            try node.act("deliver", number)
            let evaluation = try XCTUnwrap(try node.act("evaluate", number, "--level", level.given)["evaluation"] as? [String: Any])
            XCTAssertEqual(evaluation["level"] as? Int, level.code, level.given)
            XCTAssertEqual(evaluation["levelName"] as? String, level.name, level.given)
            XCTAssertEqual(!(evaluation["followUp"] is NSNull), level.followUp, "\(level.name): follow-up only for the two poor levels")
        }
        let number = try node.acceptNumber(.seniorCard, name: "申请人9")
        try node.act("approve", number)
        try node.act("issue", number)
        try node.act("deliver", number)
        let bad = try node.failing("case", "evaluate", number, "--level", "6")
        XCTAssertEqual(bad.exitCode, 2)
        XCTAssertEqual(try bad.object()["error"] as? String, "invalid_level")
        XCTAssertTrue(bad.stderr.contains("评价等级无效"), bad.transcript)
    }

    func testDenialCarriesEveryReasonAndItsResultIsADenialDocument() throws {
        let node = try TestNode.county()
        let number = try node.acceptNumber(.disabilityCard)
        let noReason = try node.failing("case", "deny", number)
        XCTAssertEqual(try noReason.object()["error"] as? String, "usage")
        XCTAssertTrue(noReason.stderr.contains("理由"), noReason.transcript)
        XCTAssertEqual(try node.show(number)["state"] as? String, "accepted")

        let denied = try node.act("deny", number, "--reason", "残疾评定等级不符合办证条件", "--reason", "评定表未经指定医院盖章",
                                  now: Day.at("2026-10-09"))
        XCTAssertEqual(denied["state"] as? String, "denied")
        let decision = try XCTUnwrap(denied["decision"] as? [String: Any])
        XCTAssertEqual(decision["approved"] as? Bool, false)
        XCTAssertEqual(decision["reasons"] as? [String], ["残疾评定等级不符合办证条件", "评定表未经指定医院盖章"])
        let issued = try node.act("issue", number)
        XCTAssertEqual((issued["result"] as? [String: Any])?["name"] as? String, "不予许可决定书")
        let timeline = try XCTUnwrap(issued["timeline"] as? [[String: Any]])
        XCTAssertEqual(timeline[1]["summary"] as? String, "不予许可：残疾评定等级不符合办证条件；评定表未经指定医院盖章")
        XCTAssertEqual(try node.listNumbers("--state", "result_ready"), [number])
    }

    func testWithdrawnCaseTakesNoFurtherStep() throws {
        let node = try TestNode.county()
        let number = try node.acceptNumber(.temporaryAssistance)
        let withdrawn = try node.act("withdraw", number, "--reason", "申请人已获得其他救助", now: Day.at("2026-09-29"))
        XCTAssertEqual(withdrawn["state"] as? String, "withdrawn")
        XCTAssertEqual((withdrawn["withdrawal"] as? [String: Any])?["reason"] as? String, "申请人已获得其他救助")

        let approve = try node.failing("case", "approve", number)
        let error = try approve.object()
        XCTAssertEqual(error["error"] as? String, "transition_not_allowed")
        XCTAssertEqual(error["state"] as? String, "withdrawn")
        XCTAssertEqual(error["allowed"] as? [String], [])
        XCTAssertTrue(approve.stderr.contains("「撤回」") && approve.stderr.contains("允许：无"), approve.transcript)

        let noReason = try node.failing("case", "withdraw", try node.acceptNumber(.temporaryAssistance, name: "刘洋"))
        XCTAssertEqual(try noReason.object()["error"] as? String, "usage")
        XCTAssertEqual(try node.listNumbers("--open").count, 1, "only the second case is still open")
    }

    func testAnExtensionIsGrantedOnce() throws {
        let node = try TestNode.county()
        let number = try node.acceptNumber(.soleProprietor)
        XCTAssertEqual(try node.show(number)["dueDate"] as? String, "2026-10-08", "3 working days: 09-29, 09-30, 10-08")

        let extended = try node.act("extend", number, "--reason", "经营场所需现场核查，经负责人批准延期", now: Day.at("2026-09-30"))
        XCTAssertEqual((extended["extension"] as? [String: Any])?["workingDays"] as? Int, 10)
        XCTAssertEqual(extended["dueDate"] as? String, "2026-10-21", "10 more working days, 10-10 counted, weekends skipped")
        XCTAssertEqual(extended["state"] as? String, "accepted")

        let second = try node.failing("case", "extend", number, "--reason", "再次延期", "--days", "5")
        let error = try second.object()
        XCTAssertEqual(error["error"] as? String, "already_extended", second.transcript)
        XCTAssertTrue(second.stderr.contains("已延期一次"), second.transcript)
        XCTAssertEqual(try node.show(number)["dueDate"] as? String, "2026-10-21")

        let tooLong = try node.failing("case", "extend", try node.acceptNumber(.soleProprietor, name: "周杰"), "--reason", "x", "--days", "45")
        XCTAssertEqual(try tooLong.object()["field"] as? String, "payload.days")
    }

    func testSpecialProcedurePausesTheClockAndBlocksTheDecision() throws {
        let node = try TestNode.county()
        let number = try node.acceptNumber(.disabilityCard)
        XCTAssertEqual(try node.show(number)["dueDate"] as? String, "2026-10-23", "15 working days after 09-28")

        let unknown = try node.failing("case", "special-start", number, "--procedure", "prayer", "--reason", "x")
        XCTAssertEqual(try unknown.object()["field"] as? String, "payload.procedure")

        let started = try node.act("special-start", number, "--procedure", "expert_review", "--reason", "残疾等级需专家复核",
                                   now: Day.at("2026-10-12"))
        XCTAssertEqual(started["clockPaused"] as? Bool, true)
        XCTAssertEqual(started["state"] as? String, "accepted")
        let pauses = try XCTUnwrap(started["pauses"] as? [[String: Any]])
        XCTAssertEqual(pauses.count, 1)
        XCTAssertEqual(pauses[0]["procedure"] as? String, "expert_review")
        XCTAssertEqual(pauses[0]["from"] as? String, "2026-10-12")

        let blocked = try node.failing("case", "approve", number, now: Day.at("2026-10-13"))
        XCTAssertEqual(try blocked.object()["error"] as? String, "special_procedure_open")
        let twice = try node.failing("case", "special-start", number, "--procedure", "testing", "--reason", "x")
        XCTAssertEqual(try twice.object()["error"] as? String, "special_procedure_open")

        let ended = try node.act("special-end", number, "--result", "专家意见：符合二级", now: Day.at("2026-10-14"))
        XCTAssertEqual(ended["clockPaused"] as? Bool, false)
        XCTAssertEqual(((ended["pauses"] as? [[String: Any]])?.first)?["to"] as? String, "2026-10-14")
        XCTAssertEqual(ended["dueDate"] as? String, "2026-10-27", "10-13 and 10-14 do not count")
        let noneOpen = try node.failing("case", "special-end", number)
        XCTAssertEqual(try noneOpen.object()["error"] as? String, "no_special_procedure")

        XCTAssertEqual(try node.act("approve", number, now: Day.at("2026-10-15"))["state"] as? String, "approved")
        let timeline = try XCTUnwrap(try node.show(number)["timeline"] as? [[String: Any]])
        XCTAssertEqual(timeline.compactMap { $0["kind"] as? String },
                       ["case.accepted", "case.special_procedure_started", "case.special_procedure_ended", "case.approved"])
        XCTAssertEqual(timeline[1]["summary"] as? String, "特别程序（专家评审）开始：残疾等级需专家复核")
    }

    func testATransitionNotAllowedNamesTheStateAndWhatIsAllowed() throws {
        let node = try TestNode.county()
        let number = try node.acceptNumber(.oldAgeAllowance)
        let changesBefore = try node.status()["changes"] as? Int

        let early = try node.failing("case", "deliver", number)
        XCTAssertEqual(early.exitCode, 1)
        let error = try early.object()
        XCTAssertEqual(error["error"] as? String, "transition_not_allowed", early.transcript)
        XCTAssertEqual(error["state"] as? String, "accepted")
        XCTAssertEqual(error["action"] as? String, "deliver")
        let allowed = try XCTUnwrap(error["allowed"] as? [String])
        for verb in ["approve", "deny", "request-supplement", "review", "withdraw", "extend"] {
            XCTAssertTrue(allowed.contains(verb), "\(verb) is allowed on an accepted case: \(allowed)")
        }
        for verb in ["deliver", "issue", "evaluate", "supplement"] {
            XCTAssertFalse(allowed.contains(verb), "\(verb) is not allowed on an accepted case: \(allowed)")
        }
        XCTAssertTrue(early.stderr.contains("「受理」") && early.stderr.contains("不能送达"), early.transcript)
        XCTAssertTrue(early.stderr.contains("准予(approve)"), early.transcript)
        XCTAssertEqual(try node.status()["changes"] as? Int, changesBefore, "a refused transition writes nothing")

        try node.act("approve", number)
        XCTAssertEqual(try node.act("issue", number)["state"] as? String, "result_ready")
        let again = try node.failing("case", "approve", number)
        let againError = try again.object()
        XCTAssertEqual(againError["state"] as? String, "result_ready")
        XCTAssertEqual(againError["allowed"] as? [String], ["deliver", "update-contact", "attach"])
        XCTAssertTrue(again.stderr.contains("「待领取」"), again.transcript)

        let supplementWithoutRequest = try node.failing("case", "supplement", try node.acceptNumber(.oldAgeAllowance, name: "赵敏"),
                                                        "--material", "id_card")
        XCTAssertEqual(try supplementWithoutRequest.object()["state"] as? String, "accepted")

        let forward = try node.failing("case", "forward", try node.acceptNumber(.minimumLiving, name: "钱多多"))
        XCTAssertEqual(try forward.object()["error"] as? String, "not_authorized", "the county has no parent to forward to")
        XCTAssertTrue(forward.stderr.contains("无需上报"), forward.transcript)
    }

    func testUnknownCaseAndUnknownVerb() throws {
        let node = try TestNode.county()
        let missing = try node.failing("case", "show", "330127-20260928-0099")
        XCTAssertEqual(try missing.object()["error"] as? String, "case_not_found")
        XCTAssertTrue(missing.stderr.contains("找不到办件 330127-20260928-0099"), missing.transcript)
        let approve = try node.failing("case", "approve", "330127-20260928-0099")
        XCTAssertEqual(try approve.object()["error"] as? String, "case_not_found")
        let verb = try node.failing("case", "stamp", "330127-20260928-0001")
        XCTAssertEqual(verb.exitCode, 2)
        XCTAssertEqual(try verb.object()["error"] as? String, "usage")
        XCTAssertTrue(verb.stderr.contains("未知的 case 子命令 stamp"), verb.transcript)
    }
}
