import Foundation
import XCTest
import LiandongDomain
@testable import LiandongStore

/// Every replica that holds a case ends with the same state and the same conflicts for it,
/// whatever the delivery order, duplicates or partitions (DESIGN §6).
final class ConvergenceTests: XCTestCase {
    var examples: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Deploy/examples").path
    }

    var scheduleCount: Int {
        if let text = ProcessInfo.processInfo.environment["LIANDONG_SCHEDULES"], let n = Int(text) { return n }
        return ProcessInfo.processInfo.environment["LIANDONG_SOAK"] != nil ? 100_000 : 40
    }

    func testRandomSchedulesConverge() throws {
        let first = UInt64(ProcessInfo.processInfo.environment["LIANDONG_SEED"] ?? "1") ?? 1
        let count = ProcessInfo.processInfo.environment["LIANDONG_SEED"] != nil ? 1 : scheduleCount
        var totals = (cases: 0, changes: 0, conflicts: 0)
        let started = Date()
        for seed in first..<(first + UInt64(count)) {
            let found = try checkSchedule(seed: seed)
            totals.cases += found.cases
            totals.changes += found.changes
            totals.conflicts += found.conflicts
        }
        print("convergence: \(count) schedules, \(totals.cases) cases, \(totals.changes) changes, \(totals.conflicts) conflicts at the county, \(Int(Date().timeIntervalSince(started))) s")
        XCTAssertGreaterThan(totals.cases, 0, "the workload made no case")
    }

    @discardableResult
    func checkSchedule(seed: UInt64) throws -> (cases: Int, changes: Int, conflicts: Int) {
        let harness = try ConvergenceHarness(seed: seed, examples: examples)
        try harness.runSchedule(operations: 40)
        let context = "schedule seed \(seed) (replay alone: LIANDONG_SEED=\(seed) swift test --filter ConvergenceTests)"
        for number in harness.cases {
            var reference: (code: String, hash: [UInt8]?, conflicts: [String], changes: Int)?
            for (code, node) in harness.nodes.sorted(by: { $0.key < $1.key }) {
                let changes = try node.changes(ofEntity: number)
                guard !changes.isEmpty else { continue }
                let hash = try node.caseState(number).map { SHA256.hash($0.json.canonicalBytes) }
                let conflicts = try node.conflicts().filter { $0["entity"]?.stringValue == number }.compactMap { $0["id"]?.stringValue }.sorted()
                if let reference {
                    XCTAssertEqual(hash, reference.hash, "\(context): case \(number) differs between \(reference.code) and \(code)")
                    XCTAssertEqual(conflicts, reference.conflicts, "\(context): conflicts of \(number) differ between \(reference.code) and \(code)")
                    XCTAssertEqual(changes.count, reference.changes, "\(context): \(number) has a different number of changes at \(code)")
                } else {
                    reference = (code, hash, conflicts, changes.count)
                }
            }
        }
        for (code, node) in harness.nodes {
            let report = try node.verify()
            XCTAssertTrue(report.isClean, "\(context): verify at \(code): \(report.problems.map(\.message))")
        }
        let countyChanges = try harness.county.changes(afterLSN: 0, limit: 1_000_000).count
        for (code, node) in harness.nodes {
            XCTAssertEqual(try node.changes(afterLSN: 0, limit: 1_000_000).count, countyChanges, "\(context): \(code) lost or gained changes")
        }
        return (harness.cases.count, countyChanges, try harness.county.conflicts().count)
    }
}
