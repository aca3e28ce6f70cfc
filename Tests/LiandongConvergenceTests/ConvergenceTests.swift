import Foundation
import LiandongDomain
import LiandongStore
import XCTest

/// Every replica that holds a case ends with the same state and the same conflicts for it,
/// whatever the delivery order, duplicates or partitions (DESIGN §6); no change is lost; no rule
/// of authority is broken; `verify` finds nothing wrong. LIANDONG_SCHEDULES sets how many seeded
/// schedules run (default 1,000; `make soak` runs 100,000), LIANDONG_SEED replays one alone.
final class ConvergenceTests: XCTestCase {
    static let defaultSchedules = 1_000
    static let operationsPerSchedule = 60
    /// `verify` checks everything (every hash, chain link and signature, the catalog) in one schedule
    /// of this many, and the cases and conflicts in every one (ingest checks hashes and signatures all the time).
    static let fullVerifySample: UInt64 = 25

    var scheduleCount: Int {
        if let text = ProcessInfo.processInfo.environment["LIANDONG_SCHEDULES"], let n = Int(text) { return n }
        return ProcessInfo.processInfo.environment["LIANDONG_SOAK"] != nil ? 100_000 : Self.defaultSchedules
    }

    override class func tearDown() {
        ConvergenceHarness.removeTemplate()
        super.tearDown()
    }

    func testRandomSchedulesConverge() throws {
        let environment = ProcessInfo.processInfo.environment
        let single = environment["LIANDONG_SEED"].flatMap(UInt64.init)
        let first = single ?? UInt64(environment["LIANDONG_FIRST_SEED"] ?? "1") ?? 1
        let count = single != nil ? 1 : scheduleCount
        var totals = (cases: 0, changes: 0, conflicts: 0, rules: [String: Int](), operations: 0)
        var extra = (notices: 0, defaultRatings: 0, rehandled: 0)
        let started = Date()
        var ran = 0
        for seed in first..<(first + UInt64(count)) {
            ran += 1
            let failuresBefore = testRun?.failureCount ?? 0
            let found: Found
            do {
                found = try checkSchedule(seed: seed)
            } catch {
                XCTFail("\(Self.replay(seed)): threw \(error)")
                break
            }
            if (testRun?.failureCount ?? 0) > failuresBefore {
                print("convergence: schedule seed \(seed) FAILED; replay it alone with:\n  \(Self.replay(seed))")
                break
            }
            totals.cases += found.cases
            totals.changes += found.changes
            totals.conflicts += found.conflicts
            totals.operations += found.operations
            extra.notices += found.notices
            extra.defaultRatings += found.defaultRatings
            extra.rehandled += found.rehandled
            for (rule, n) in found.rules { totals.rules[rule, default: 0] += n }
        }
        let seconds = Date().timeIntervalSince(started)
        let rules = totals.rules.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print(String(format: "convergence: %d schedules (seeds %llu…%llu), %d operations, %d cases, %d changes, %d conflicts at the county [%@] in %.1f s",
                     ran, first, first + UInt64(ran) - 1, totals.operations, totals.cases, totals.changes, totals.conflicts, rules, seconds))
        print("convergence: \(extra.notices) one-time notices, \(extra.defaultRatings) default ratings, \(extra.rehandled) cases re-handled")
        XCTAssertGreaterThan(totals.cases, 0, "the workload made no case")
        if ran >= 50 {
            XCTAssertGreaterThan(extra.notices, 0, "the workload gave no one-time notice")
            XCTAssertGreaterThan(extra.rehandled, 0, "the workload re-handled no case")
        }
    }

    static func replay(_ seed: UInt64) -> String {
        "LIANDONG_SEED=\(seed) swift test --filter LiandongConvergenceTests.ConvergenceTests/testRandomSchedulesConverge"
    }

    struct Found {
        var cases = 0
        var changes = 0
        var conflicts = 0
        var operations = 0
        var rules: [String: Int] = [:]
        var notices = 0
        var defaultRatings = 0
        var rehandled = 0
    }

    func checkSchedule(seed: UInt64) throws -> Found {
        let harness = try ConvergenceHarness(seed: seed)
        try harness.runSchedule(operations: Self.operationsPerSchedule)
        let context = "schedule seed \(seed) (replay alone: \(Self.replay(seed)))"
        let codes = ConvergenceHarness.codes

        // Same state and same conflicts (id, content, resolution) for each case at every node holding it.
        var holders: [String: [String]] = [:]
        var states: [String: [String: CaseState]] = [:]
        for number in harness.cases {
            for code in codes {
                guard let state = try harness.nodes[code]?.caseState(number) else { continue }
                holders[number, default: []].append(code)
                states[number, default: [:]][code] = state
            }
        }
        // A possible duplicate is a set of the cases of one applicant and item held at a node: two nodes
        // derive the same set when they hold the same cases of that group (a township does not hold
        // another township's).
        var groupHeld: [String: [String: Set<String>]] = [:]  // node → applicant|item → cases
        var groupOf: [String: String] = [:]
        for (number, byNode) in states {
            for (code, state) in byNode {
                let group = state.applicant.idNumber + "|" + state.item.code
                groupOf[number] = group
                groupHeld[code, default: [:]][group, default: []].insert(number)
            }
        }
        for number in harness.cases {
            let at = holders[number] ?? []
            XCTAssertTrue(at.contains(ConvergenceHarness.county), "\(context): the county does not hold case \(number)")
            guard let reference = at.first, let node = harness.nodes[reference] else { continue }
            let hash = states[number]?[reference].map { $0.json.canonicalString }
            let conflicts = try node.conflicts(ofCase: number)
            for code in at.dropFirst() {
                guard let other = harness.nodes[code] else { continue }
                XCTAssertEqual(states[number]?[code].map { $0.json.canonicalString }, hash, "\(context): case \(number) differs between \(reference) and \(code)")
                // A conflict on several cases shows only where all of them are held; a possible duplicate
                // is the same where the same cases of its applicant and item are held.
                func comparable(_ list: [StoredConflict], heldBy codes: [String]) -> [StoredConflict] {
                    list.filter { conflict in
                        let cases = conflict.detail["cases"]?.arrayValue?.compactMap(\.stringValue) ?? []
                        if conflict.rule == ConflictRule.possibleDuplicate.rawValue, let group = groupOf[number] {
                            return Set(codes.map { groupHeld[$0]?[group] ?? [] }).count == 1
                        }
                        return cases.allSatisfy { c in codes.allSatisfy { holders[c]?.contains($0) ?? false } }
                    }
                }
                let mine = comparable(try other.conflicts(ofCase: number), heldBy: [reference, code])
                let theirs = comparable(conflicts, heldBy: [reference, code])
                XCTAssertEqual(mine, theirs, "\(context): conflicts of \(number) differ between \(reference) and \(code)")
            }
        }

        // No change lost: the root holds every change made; each node holds its subtree's changes and what is routed to it.
        let rootHeld = harness.held[ConvergenceHarness.county] ?? []
        let lost = harness.made.subtracting(rootHeld)
        XCTAssertTrue(lost.isEmpty, "\(context): the county lacks \(lost.sorted().prefix(5))")
        for change in harness.log[ConvergenceHarness.county] ?? [] {
            let id = ChangeID(origin: change.origin, seq: change.seq)
            for code in codes where code != ConvergenceHarness.county {
                if harness.routes(change, to: code, at: ConvergenceHarness.county) || NodeCode.isAncestorOrSelf(code, of: change.origin) {
                    XCTAssertTrue(harness.held[code]?.contains(id) ?? false, "\(context): \(code) lacks \(id) (\(change.kind) of \(change.entity))")
                }
            }
        }

        // No rule of authority broken: nothing quarantined in an honest run, every decision by the
        // deciding tier, every acceptance by a tier the item allows, every resolution by the resolver's tier or above.
        var found = Found(cases: harness.cases.count, changes: rootHeld.count, operations: harness.operations.made)
        if ProcessInfo.processInfo.environment["LIANDONG_SEED"] != nil { print("seed \(seed): refused at the acting node: \(harness.refusals)") }
        for code in codes {
            guard let node = harness.nodes[code] else { continue }
            XCTAssertEqual(try node.db.scalarInt("SELECT count(*) FROM quarantine") ?? 0, 0, "\(context): \(code) quarantined a change of an honest run")
            for conflict in try node.conflicts() {
                if let by = conflict.resolution?["by"]?.stringValue {
                    XCTAssertTrue(NodeCode.isAncestorOrSelf(by, of: conflict.resolver), "\(context): \(by) resolved \(conflict.id) whose resolver is \(conflict.resolver)")
                }
                if code == ConvergenceHarness.county { found.rules[conflict.rule, default: 0] += 1 }
                if code == ConvergenceHarness.county, ProcessInfo.processInfo.environment["LIANDONG_CONFLICT_DETAIL"] != nil {
                    let v = conflict.detail["values"]
                    found.rules["\(conflict.rule)/\(v?["reason"]?.stringValue ?? "")/\(v?["refused"]?["kind"]?.stringValue ?? "")/\(v?["status"]?.stringValue ?? "")", default: 0] += 1
                }
            }
            let full = seed % Self.fullVerifySample == 0 || ProcessInfo.processInfo.environment["LIANDONG_SEED"] != nil
            let report = try node.verify(signatures: full, log: full)
            XCTAssertTrue(report.isClean, "\(context): verify at \(code): \(report.problems.map(\.message))")
        }
        for number in harness.cases {
            guard let state = try harness.county.caseState(number) else { continue }
            XCTAssertTrue(NodeCode.role(of: state.acceptor).map(state.item.acceptAt.contains) ?? false, "\(context): \(number) accepted by a tier the item does not allow")
            for step in state.timeline where step.kind == CaseAction.approve.kind || step.kind == CaseAction.deny.kind {
                // The deciding tier, or a higher one standing for itself (a county accepting a township item decides it).
                XCTAssertTrue(NodeCode.role(of: step.origin).map { $0 >= state.item.decideAt } ?? false,
                              "\(context): \(number) decided by \(step.origin), below the deciding tier")
            }
        }
        // Notices, settings and default ratings: every one-time notice made anywhere is on the county's
        // record (and its origin's), every node holds the same settings, no case took two default ratings.
        let noticeChanges = (harness.log[ConvergenceHarness.county] ?? []).filter { $0.kind == NoticeKind.oneTimeIssued }
        XCTAssertEqual(noticeChanges.count, harness.notices.made, "\(context): notices made and notices at the county")
        XCTAssertEqual(try harness.county.oneTimeNotices().count, harness.notices.made, "\(context): notices listed at the county")
        let settings = try harness.county.evaluationSettings()
        for code in codes {
            XCTAssertEqual(try harness.nodes[code]?.evaluationSettings(), settings, "\(context): settings differ at \(code)")
        }
        var defaults: [String: Int] = [:]
        for change in harness.log[ConvergenceHarness.county] ?? [] where change.kind == CaseAction.evaluate.kind && change.payload["default"]?.boolValue == true {
            defaults[change.entity, default: 0] += 1
        }
        XCTAssertTrue(defaults.values.allSatisfy { $0 == 1 }, "\(context): a case took two default ratings: \(defaults.filter { $0.value > 1 })")
        found.notices = harness.notices.made
        found.defaultRatings = harness.notices.defaultRatings
        found.rehandled = (harness.log[ConvergenceHarness.county] ?? []).filter { $0.kind == CaseAction.rehandle.kind }.count
        found.conflicts = try harness.county.conflicts().count
        return found
    }
}
