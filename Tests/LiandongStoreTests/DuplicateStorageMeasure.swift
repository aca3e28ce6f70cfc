import Foundation
import LiandongDomain
@testable import LiandongStore
import XCTest

/// Stored bytes per change at a village whose applicants often have several cases of one item open
/// at once (issue 11 item 3). A measurement, not a check: it runs only with LIANDONG_MEASURE=1
/// (`LIANDONG_MEASURE=1 swift test --filter DuplicateStorageMeasure`) and prints its figures.
final class DuplicateStorageMeasure: NodeStoreTestCase {
    static let village = "330106001201"

    func testStoredBytesPerChangeWithManyOpenDuplicates() throws {
        let env = ProcessInfo.processInfo.environment
        guard env["LIANDONG_MEASURE"] == "1" else { throw XCTSkip("set LIANDONG_MEASURE=1 to measure") }
        let total = Int(env["LIANDONG_MEASURE_CASES"] ?? "") ?? 20_000
        let county = try makeCounty()
        let village = try NodeStore.initialize(directory: nodeDirectory("village"), role: .village, code: Self.village, name: "某村", now: clock.closure)
        try county.trust(code: Self.village, role: .village, name: "某村", publicKey: village.identity.publicKey)
        try village.trust(code: Self.countyCode, role: .county, name: "县", publicKey: county.identity.publicKey)
        _ = try village.ingest(try county.changes(afterLSN: 0, limit: 100_000).map(\.change), from: Self.countyCode)

        // Applicant k brings 1 + k % 8 applications of 临时救助 that are all open at once; two of
        // every three applicants withdraw all but the last one afterwards.
        let started = Date()
        var cases = 0
        var applicant = 0
        while cases < total {
            let count = min(1 + applicant % 8, total - cases)
            let person = Self.applicant(applicant)
            var numbers: [String] = []
            for _ in 0..<count {
                numbers.append(try village.accept(applicant: person).number)
                clock.advance(millis: 1_000)
            }
            if applicant % 3 != 2 {
                for number in numbers.dropLast() {
                    try village.act(on: number, .withdraw, payload: ["reason": "申请人撤回"], actor: "代办员-赵")
                    clock.advance(millis: 1_000)
                }
            }
            cases += count
            applicant += 1
        }
        let seconds = Date().timeIntervalSince(started)
        let db = village.db
        try db.run("PRAGMA wal_checkpoint(TRUNCATE)")
        let changes = try db.scalarInt("SELECT count(*) FROM changes WHERE origin = ?", [.text(Self.village)]) ?? 0
        let pages: Int64 = (try db.scalarInt("PRAGMA page_count") ?? 0) * (try db.scalarInt("PRAGMA page_size") ?? 0)
        let freelist: Int64 = (try db.scalarInt("PRAGMA freelist_count") ?? 0) * (try db.scalarInt("PRAGMA page_size") ?? 0)
        let records = try db.scalarInt("SELECT count(DISTINCT id) FROM conflicts WHERE rule = 'possible_duplicate'") ?? 0
        let rows = try db.scalarInt("SELECT count(*) FROM conflicts WHERE rule = 'possible_duplicate'") ?? 0
        let conflictBytes = try db.scalarInt("SELECT sum(length(id) + length(entity) + length(rule) + length(detail) + coalesce(length(resolution), 0)) FROM conflicts") ?? 0
        let canonical = try village.changes(afterLSN: 0, limit: 1_000_000).map(\.change).filter { $0.origin == Self.village }
            .reduce(0) { $0 + Int64($1.wireJSON.canonicalString.utf8.count) }
        var dbstat = "dbstat not available"
        if let tables = try? db.query("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 8") {
            dbstat = tables.map { "\($0.text("name") ?? "?")=\($0.int64("bytes") ?? 0)" }.joined(separator: " ")
        }
        print("""
            MEASURE duplicates: \(cases) cases, \(applicant) applicants, \(changes) village changes in \(Int(seconds)) s
            MEASURE database \(pages) bytes (\(freelist) free) = \(pages / max(changes, 1)) bytes per change; canonical text (wire JSON) \(canonical / max(changes, 1)) bytes per change
            MEASURE possible_duplicate: \(records) records in \(rows) conflicts rows; conflicts text \(conflictBytes) bytes = \(conflictBytes / max(changes, 1)) per change
            MEASURE tables: \(dbstat)
            """)
        XCTAssertTrue(try village.verify(signatures: false).isClean)
    }

    /// A valid GB 11643 number for applicant k (ISO 7064 MOD 11-2 check character).
    static func applicant(_ k: Int) -> Applicant {
        let body = "330106" + String(1940 + k % 60) + String(format: "%02d%02d", 1 + k % 12, 1 + k % 28) + String(format: "%03d", k % 1000)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body.utf8, weights).reduce(0) { $0 + Int($1.0 - 0x30) * $1.1 }
        return Applicant(name: "申请人\(k)", idNumber: body + String(Array("10X98765432")[sum % 11]), phone: "13800000000")
    }
}
