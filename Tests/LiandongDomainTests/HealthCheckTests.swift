import XCTest

@testable import LiandongDomain

final class HealthCheckTests: XCTestCase {
    private let now: Int64 = 1_790_000_000_000
    private let day: Int64 = 86_400_000

    private func healthy(parent: Bool = true) -> HealthCheck.Facts {
        var facts = HealthCheck.Facts(now: now, hasParent: parent)
        facts.integrityProblems = []
        facts.freeBytes = 50 << 30
        facts.totalBytes = 100 << 30
        facts.dataDirectoryMode = 0o700
        facts.keyFileMode = 0o600
        facts.certificateNotAfter = now + 300 * day
        facts.backupDirectory = "/var/backups/liandong"
        facts.newestBackupAt = now - day / 2
        facts.lastExchangeAt = now - 60_000
        facts.parentClockOffset = 1500
        facts.serveRunning = true
        return facts
    }

    private func failing(_ facts: HealthCheck.Facts) -> [String] {
        HealthCheck.assess(facts).filter { !$0.ok }.map(\.check)
    }

    func testAHealthyNodeNeedsNothing() {
        let findings = HealthCheck.assess(healthy())
        XCTAssertEqual(findings.filter { !$0.ok }, [])
        XCTAssertEqual(findings.map(\.check), ["integrity", "disk", "permissions", "key", "certificate", "backup", "parent", "clock", "exchange", "service"])
        XCTAssertTrue(findings.allSatisfy { $0.action == nil })
    }

    func testEachProblemIsNamedWithWhatToDo() {
        var facts = healthy()
        facts.integrityProblems = ["row 3 missing from index"]
        facts.freeBytes = 500 << 20
        facts.dataDirectoryMode = 0o755
        facts.keyFileMode = 0o644
        facts.certificateNotAfter = now + 10 * day
        facts.newestBackupAt = now - 3 * day
        facts.parentError = "connection refused"
        facts.parentClockOffset = -5 * 60_000
        facts.lastExchangeAt = now - 8 * day
        facts.serveRunning = false
        let findings = HealthCheck.assess(facts)
        XCTAssertEqual(findings.filter { !$0.ok }.map(\.check), ["integrity", "disk", "permissions", "key", "certificate", "backup", "parent", "clock", "exchange", "service"])
        XCTAssertTrue(findings.allSatisfy { $0.action?.isEmpty == false })
        XCTAssertTrue(findings[4].message.contains("10 天"), findings[4].message)
        XCTAssertTrue(findings[7].message.contains("-300 秒"), findings[7].message)
    }

    func testThresholds() {
        var facts = healthy()
        facts.certificateNotAfter = now + 31 * day
        facts.newestBackupAt = now - 2 * day
        XCTAssertEqual(failing(facts), [])
        facts.certificateNotAfter = now + 29 * day
        XCTAssertEqual(failing(facts), ["certificate"])
        facts.certificateNotAfter = now - 1
        XCTAssertEqual(HealthCheck.assess(facts).first { $0.check == "certificate" }?.message, "TLS 证书已过期")
        facts = healthy()
        facts.freeBytes = 4 << 30  // 4% of 100 GiB
        XCTAssertEqual(failing(facts), ["disk"])
    }

    func testMissingBackupsAndAMissingKeyNeedAction() {
        var facts = healthy(parent: false)
        facts.newestBackupAt = nil
        facts.keyFileMode = nil
        XCTAssertEqual(failing(facts), ["key", "backup"])
        facts.backupDirectory = nil
        XCTAssertTrue(HealthCheck.assess(facts).contains { $0.check == "backup" && $0.message == "未配置备份目录" })
    }

    func testARootNodeHasNoParentChecks() {
        let checks = HealthCheck.assess(healthy(parent: false)).map(\.check)
        XCTAssertFalse(checks.contains("parent") || checks.contains("clock") || checks.contains("exchange"))
    }
}
