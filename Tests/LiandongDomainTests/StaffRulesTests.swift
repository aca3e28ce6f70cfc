import LiandongDomain
import XCTest

final class StaffRulesTests: XCTestCase {
    func testAnAcceptorCannotApproveAndAnApproverCan() {
        XCTAssertFalse(StaffPermission.approve.isGranted(to: [.acceptor]))
        XCTAssertTrue(StaffPermission.approve.isGranted(to: [.approver]))
        XCTAssertTrue(StaffPermission.approve.isGranted(to: [.acceptor, .approver]))
    }

    func testOnlyTheAuditorReadsTheAuditTrail() {
        for role in StaffRole.allCases {
            XCTAssertEqual(StaffPermission.readAudit.isGranted(to: [role]), role == .auditor, role.rawValue)
        }
        // The auditor holds nothing else: 三权分立.
        let auditorPermissions = StaffPermission.allCases.filter { $0.isGranted(to: [.auditor]) }
        XCTAssertEqual(auditorPermissions, [.readAudit])
    }

    func testCaseActionsAreTheStateMachineIntersectedWithRoles() {
        XCTAssertEqual(StaffPermission.caseActions(for: [.acceptor], in: .forwarded).map(\.verb), ["withdraw", "update-contact"])
        let approver = StaffPermission.caseActions(for: [.approver], in: .forwarded).map(\.verb)
        XCTAssertTrue(approver.contains("approve"))
        XCTAssertTrue(approver.contains("deny"))
        XCTAssertFalse(approver.contains("forward"))
        XCTAssertEqual(StaffPermission.caseActions(for: [.reviewer], in: .accepted).map(\.verb), ["review", "forward"])
        XCTAssertEqual(StaffPermission.caseActions(for: [.auditor], in: .accepted), [])
    }

    func testRoleListsParseCodeAndChineseNames() throws {
        XCTAssertEqual(try StaffRole.parseList("acceptor,审批员").get(), [.acceptor, .approver])
        XCTAssertEqual(StaffRole.storageText([.approver, .acceptor]), "acceptor,approver")
        guard case .failure(let error) = StaffRole.parseList("acceptor,boss") else { return XCTFail("boss is no role") }
        XCTAssertEqual(error.unknown, "boss")
    }

    func testPasswordPolicy() {
        let policy = PasswordPolicy()
        XCTAssertEqual(policy.check("Ab1!", login: "zhang"), .tooShort(minimum: 10))
        XCTAssertEqual(policy.check("abcdefghijkl", login: "zhang"), .tooSimple)
        XCTAssertEqual(policy.check("Zhang2026!!x", login: "zhang"), .containsLogin)
        XCTAssertEqual(policy.check("zhang", login: "zhang"), .tooShort(minimum: 10))
        XCTAssertNil(policy.check("Liandong-2026", login: "zhang"))
    }

    func testFiveFailuresLockFor15Minutes() {
        let rule = LoginLockout()
        var record = LoginLockout.Record()
        let start: Int64 = 1_000_000
        for attempt in 0..<4 {
            record = rule.failed(record, now: start + Int64(attempt))
            XCTAssertFalse(rule.isLocked(record, now: start + 10))
        }
        record = rule.failed(record, now: start + 5)
        XCTAssertTrue(rule.isLocked(record, now: start + 6))
        XCTAssertEqual(rule.minutesLeft(record, now: start + 6), 15)
        XCTAssertTrue(rule.isLocked(record, now: start + 5 + 15 * 60_000 - 1))
        XCTAssertFalse(rule.isLocked(record, now: start + 5 + 15 * 60_000))
        XCTAssertEqual(rule.succeeded(record), LoginLockout.Record())
    }

    func testSessionsEndAfter30MinutesIdleAndAtLogout() {
        let rule = SessionRule()
        XCTAssertTrue(rule.isAlive(lastSeen: 0, endedAt: nil, now: 29 * 60_000))
        XCTAssertFalse(rule.isAlive(lastSeen: 0, endedAt: nil, now: 30 * 60_000))
        XCTAssertFalse(rule.isAlive(lastSeen: 0, endedAt: 10, now: 20))
    }

    /// RFC 4226 §5.4: the HMAC-SHA-1 value 1f8698…555a truncates to 872921 (6 digits).
    func testTruncationFollowsRFC4226() throws {
        let hmac = try XCTUnwrap(Hex.decode("1f8698690e02ca16618550ef7f19da8e945b555a"))
        let totp = TOTP(secret: [], digits: 6, mac: { _, _ in hmac })
        XCTAssertEqual(totp.code(counter: 0), "872921")
    }

    /// RFC 6238 §4.2: T = floor(unixtime / 30); the vectors' times map to these counters.
    func testTimeStepsFollowRFC6238() {
        let totp = TOTP(secret: [], mac: { _, _ in [] })
        XCTAssertEqual(totp.counter(unixSeconds: 59), 1)
        XCTAssertEqual(totp.counter(unixSeconds: 1_111_111_109), 0x23523EC)
        XCTAssertEqual(totp.counter(unixSeconds: 1_234_567_890), 0x273EF07)
        XCTAssertEqual(totp.counter(unixSeconds: 20_000_000_000), 0x27BC86AA)
    }

    func testBase32RoundTrips() {
        let secret = Array("12345678901234567890".utf8)
        XCTAssertEqual(Base32.encode(secret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        XCTAssertEqual(Base32.decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"), secret)
        XCTAssertNil(Base32.decode("1!"))
    }

    func testLinkHealthTreatsAnOfflineVillageAsNormalForADay() {
        let now: Int64 = 10 * 86_400_000
        XCTAssertEqual(LinkHealth.judge(hasParent: false, lastContact: nil, lastErrorAt: nil, since: 0, now: now), .root)
        XCTAssertEqual(LinkHealth.judge(hasParent: true, lastContact: now - 1000, lastErrorAt: nil, since: 0, now: now), .online)
        XCTAssertEqual(LinkHealth.judge(hasParent: true, lastContact: now - 3_600_000, lastErrorAt: now, since: 0, now: now), .offline)
        XCTAssertEqual(LinkHealth.judge(hasParent: true, lastContact: now - 86_400_000, lastErrorAt: now, since: 0, now: now), .warning)
        XCTAssertEqual(LinkHealth.judge(hasParent: true, lastContact: now - 3 * 86_400_000, lastErrorAt: now, since: 0, now: now), .error)
    }

    func testQueuesFollowRolesAndUrgency() {
        XCTAssertEqual(WorkQueue.queues(for: [.approver]), [.toDecide, .toIssue])
        XCTAssertTrue(WorkQueue.moreUrgent((.overdue, -2), than: (.dueSoon, 1)))
        XCTAssertTrue(WorkQueue.moreUrgent((.onTime, 4), than: (.onTime, 9)))
        XCTAssertTrue(WorkQueue.moreUrgent((.onTime, 9), than: (.onTime, nil)))
    }

    func testAuditChainBytesDifferWhenAnyFieldDiffers() {
        let a = AuditEntry(id: 1, at: 5, staff: "ab", node: "c", action: "x", target: "", outcome: "ok")
        var b = a
        b.staff = "a"
        b.node = "bc"
        XCTAssertNotEqual(a.chainBytes(previous: []), b.chainBytes(previous: []))
    }
}

final class SecondFactorRuleTests: XCTestCase {
    func testTheRuleCoversAdministratorsAndApproversOnlyWhenRequired() {
        XCTAssertTrue(SecondFactorRule(required: true).demandsCode(from: [.acceptor, .approver]))
        XCTAssertTrue(SecondFactorRule(required: true).demandsCode(from: [.admin]))
        XCTAssertFalse(SecondFactorRule(required: true).demandsCode(from: [.acceptor, .reviewer, .auditor]))
        XCTAssertFalse(SecondFactorRule(required: false).demandsCode(from: [.admin]))
    }

    func testAnAdministratorIsNeverAlsoTheAuditor() {
        XCTAssertNil(StaffRole.conflict(in: [.acceptor, .reviewer, .approver]))
        XCTAssertNil(StaffRole.conflict(in: [.admin, .approver]))
        XCTAssertNotNil(StaffRole.conflict(in: []))
        XCTAssertTrue(StaffRole.conflict(in: [.admin, .auditor])?.contains("三权分立") ?? false)
        XCTAssertNotNil(StaffRole.conflict(in: [.acceptor, .admin, .auditor]))
    }
}
