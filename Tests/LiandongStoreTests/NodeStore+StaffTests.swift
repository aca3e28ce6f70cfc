import Foundation
import LiandongDomain
@testable import LiandongStore
import XCTest

final class NodeStoreStaffTests: NodeStoreTestCase {
    func testPasswordsAreSaltedPBKDF2AndNeverStoredInClear() throws {
        let store = try makeCounty(catalog: false, calendar: false)
        try store.addStaff(login: "zhang", name: "张三", roles: [.acceptor], password: "Window-2026", mustChange: false)
        try store.addStaff(login: "li", name: "李四", roles: [.acceptor], password: "Window-2026", mustChange: false)
        let rows = try store.db.query("SELECT salt, password_hash, iterations FROM staff ORDER BY login")
        XCTAssertEqual(rows.count, 2)
        XCTAssertNotEqual(rows[0].blob("password_hash"), rows[1].blob("password_hash"), "same password, different salt")
        XCTAssertGreaterThanOrEqual(rows[0].int64("iterations") ?? 0, 600_000)
        let dump = try String(contentsOfFile: nodeDirectory() + "/" + NodeStore.databaseName, encoding: .isoLatin1)
        XCTAssertFalse(dump.contains("Window-2026"))
        guard case .success(let member) = try store.authenticate(login: "zhang", password: "Window-2026", code: nil) else {
            return XCTFail("right password")
        }
        XCTAssertEqual(member.roles, [.acceptor])
        XCTAssertEqual(try store.authenticate(login: "zhang", password: "wrong", code: nil), .wrongPassword)
        XCTAssertEqual(try store.authenticate(login: "nobody", password: "wrong", code: nil), .wrongPassword)
    }

    func testPolicyRefusesAPasswordContainingTheLogin() throws {
        let store = try makeCounty(catalog: false, calendar: false)
        _ = assertStoreError("password_contains_login") {
            try store.addStaff(login: "wangwu", name: "王五", roles: [.approver], password: "Wangwu-2026!", mustChange: false)
        }
        XCTAssertEqual(try store.staffMembers().count, 0)
    }

    func testFiveWrongPasswordsLockEvenTheRightOneFor15Minutes() throws {
        let store = try makeCounty(catalog: false, calendar: false)
        try store.addStaff(login: "zhang", name: "张三", roles: [.acceptor], password: "Window-2026", mustChange: false)
        for _ in 0..<4 { XCTAssertEqual(try store.authenticate(login: "zhang", password: "bad", code: nil), .wrongPassword) }
        XCTAssertEqual(try store.authenticate(login: "zhang", password: "bad", code: nil), .locked(minutes: 15))
        XCTAssertEqual(try store.authenticate(login: "zhang", password: "Window-2026", code: nil), .locked(minutes: 15))
        clock.advance(millis: 15 * 60_000)
        guard case .success = try store.authenticate(login: "zhang", password: "Window-2026", code: nil) else { return XCTFail("lock ended") }
    }

    func testSessionsAreHashedAndEndWhenIdleOrLoggedOut() throws {
        let store = try makeCounty(catalog: false, calendar: false)
        try store.addStaff(login: "zhang", name: "张三", roles: [.acceptor], password: "Window-2026", mustChange: false)
        let token = try store.startSession(login: "zhang")
        XCTAssertEqual(try store.db.scalarInt("SELECT count(*) FROM staff_sessions WHERE token_hash = ?", [.blob(Array(token.utf8))]), 0)
        XCTAssertNotNil(try store.session(token: token))
        clock.advance(millis: 29 * 60_000)
        XCTAssertNotNil(try store.session(token: token), "touched: idle time restarts")
        clock.advance(millis: 30 * 60_000)
        XCTAssertNil(try store.session(token: token))
        let second = try store.startSession(login: "zhang")
        try store.endSession(token: second)
        XCTAssertNil(try store.session(token: second))
    }

    /// RFC 6238 Appendix B, SHA-1, 8 digits, secret "12345678901234567890".
    func testTOTPMatchesRFC6238Vectors() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8), digits: 8, mac: { HMAC.sha1(key: $0, message: $1) })
        let vectors: [(Int64, String)] = [(59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
                                          (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130")]
        for (time, code) in vectors {
            XCTAssertEqual(totp.code(unixSeconds: time), code, "T=\(time)")
            XCTAssertTrue(totp.verify(code, unixSeconds: time + 30))
        }
        XCTAssertFalse(totp.verify("94287082", unixSeconds: 59 + 120))
    }

    func testAnAccountWithTOTPNeedsItsCode() throws {
        let store = try makeCounty(catalog: false, calendar: false)
        try store.addStaff(login: "chief", name: "首席", roles: [.approver], password: "Approve-2026", mustChange: false)
        let secret = try store.enableStaffTOTP("chief")
        XCTAssertEqual(try store.authenticate(login: "chief", password: "Approve-2026", code: nil), .needsCode)
        XCTAssertEqual(try store.authenticate(login: "chief", password: "Approve-2026", code: "000000x"), .wrongCode)
        let code = TOTP(secret: Base32.decode(secret) ?? [], mac: { HMAC.sha1(key: $0, message: $1) }).code(unixSeconds: clock.now / 1000)
        guard case .success = try store.authenticate(login: "chief", password: "Approve-2026", code: code) else { return XCTFail("right code") }
    }

    func testAuditTrailIsChainedAppendOnlyAndVerified() throws {
        clock.set(millis: Int64(Date().timeIntervalSince1970 * 1000))
        let store = try makeCounty(catalog: false, calendar: false)
        try store.audit(staff: "zhang", action: "login", outcome: "ok")
        try store.audit(staff: "zhang", action: "case.approve", target: "330106-20260302-1", outcome: "forbidden")
        try store.audit(staff: "zhang", action: "logout", outcome: "ok")
        XCTAssertEqual(try store.verifyAuditTrail().rows, 3)
        XCTAssertNil(try store.verifyAuditTrail().firstBroken)
        XCTAssertEqual(try store.auditEntries(AuditFilter(outcome: "forbidden")).map(\.action), ["case.approve"])
        XCTAssertThrowsError(try store.db.run("UPDATE audit_trail SET outcome = 'ok' WHERE id = 2"))
        XCTAssertThrowsError(try store.db.run("DELETE FROM audit_trail WHERE id = 2"))
        XCTAssertEqual(try store.db.scalarInt("SELECT count(*) FROM audit_trail"), 3)
        // Someone bypassing the triggers (drops them) and editing a row breaks the chain; verify says so.
        try store.db.execute("DROP TRIGGER audit_trail_no_update")
        try store.db.run("UPDATE audit_trail SET outcome = 'ok' WHERE id = 2")
        XCTAssertEqual(try store.verifyAuditTrail().firstBroken, 2)
        XCTAssertTrue(try store.verify().problems.contains { $0.code == "audit_trail_broken" })
    }

    func testDisablingEndsSessionsAndRefusesLogin() throws {
        let store = try makeCounty(catalog: false, calendar: false)
        try store.addStaff(login: "zhang", name: "张三", roles: [.acceptor], password: "Window-2026", mustChange: false)
        let token = try store.startSession(login: "zhang")
        try store.setStaffDisabled("zhang", true)
        XCTAssertNil(try store.session(token: token))
        XCTAssertEqual(try store.authenticate(login: "zhang", password: "Window-2026", code: nil), .disabled)
    }
}

final class NodeStoreSecondFactorTests: NodeStoreTestCase {
    func testANodeCanRequireTOTPForApproversAndAdministrators() throws {
        let store = try makeCounty(catalog: false, calendar: false)
        try store.addStaff(login: "chief", name: "首席", roles: [.approver], password: "Approve-2026", mustChange: false)
        try store.addStaff(login: "zhang", name: "张三", roles: [.acceptor], password: "Window-2026", mustChange: false)
        try store.setSecondFactorRequired(true)
        XCTAssertEqual(try store.authenticate(login: "chief", password: "Approve-2026", code: nil), .needsSecondFactorSetup)
        guard case .success = try store.authenticate(login: "zhang", password: "Window-2026", code: nil) else { return XCTFail("a clerk needs no code") }
        _ = try store.enableStaffTOTP("chief")
        XCTAssertEqual(try store.authenticate(login: "chief", password: "Approve-2026", code: nil), .needsCode)
    }
}
