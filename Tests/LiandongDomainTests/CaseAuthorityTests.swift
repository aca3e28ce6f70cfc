import LiandongDomain
import XCTest

/// Who may make a case's change, judged on the change alone (push check 9), and the record of a
/// case accepted under an outdated item version.
final class CaseAuthorityTests: XCTestCase {
    func change(_ action: CaseAction, from origin: String, parties: [String], _ payload: JSONValue = [:]) -> Change {
        Change(origin: origin, seq: 1, hlc: HLC(physicalMillis: 1_700_000_000_000, logical: 0), wall: 1_700_000_000_000, actor: "staff",
               entity: "330102001201-20261109-0001", kind: action.kind, payload: payload, parties: parties, prev: Change.zeroHash)
    }

    func testAPartyOrANodeAboveItMayActAndNoOtherBranch() {
        let parties = [CaseFixtures.village, CaseFixtures.county]
        XCTAssertNil(CaseAuthority.problem(change(.review, from: CaseFixtures.township, parties: parties)))
        XCTAssertEqual(CaseAuthority.problem(change(.review, from: CaseFixtures.otherTownship, parties: parties)),
                       "节点 \(CaseFixtures.otherTownship) 不是办件 330102001201-20261109-0001 的当事节点或其上级")
        XCTAssertNotNil(CaseAuthority.problem(change(.approve, from: CaseFixtures.village, parties: parties)), "no item is decided at a village")
    }

    func testOnlyTheCountyResolvesTheCountysRules() {
        let parties = [CaseFixtures.village, CaseFixtures.county]
        let resolution = { (origin: String, rule: String) in
            Change(origin: origin, seq: 1, hlc: HLC(physicalMillis: 1, logical: 0), wall: 1, actor: "staff", entity: "330102001201-20261109-0001",
                   kind: ConflictKind.resolved, payload: ["conflict": "abc", "rule": .string(rule), "note": "x"], parties: parties, prev: Change.zeroHash)
        }
        XCTAssertNil(CaseAuthority.problem(resolution(CaseFixtures.county, "possible_duplicate")))
        XCTAssertNotNil(CaseAuthority.problem(resolution(CaseFixtures.township, "possible_duplicate")))
        XCTAssertNil(CaseAuthority.problem(resolution(CaseFixtures.township, "withdraw_vs_decide")))
    }

    func testACaseAcceptedUnderAnOlderVersionThanTheCountyHadPublishedIsRecorded() throws {
        var history = CaseFixtures.History()
        let accepted = history.acceptance()
        let state = try CaseFixtures.fold(history.changes)
        func publication(_ version: Int64, at millis: Int64) -> ItemVersionAtAcceptance.Publication {
            let change = Change(origin: CaseFixtures.county, seq: version, hlc: HLC(physicalMillis: millis, logical: 0), wall: millis, actor: "admin",
                                entity: "item:SUBSIDY", kind: CatalogKind.itemPublished, payload: [:], parties: ["*"], prev: Change.zeroHash)
            return (ChangeRef(change), version)
        }
        let opened = ChangeRef(accepted)
        let before = accepted.hlc.physicalMillis - 1_000
        XCTAssertNil(ItemVersionAtAcceptance.record(state, opened: opened, publications: [publication(Int64(state.item.version), at: before)]))
        let outdated = ItemVersionAtAcceptance.record(state, opened: opened, publications: [publication(Int64(state.item.version) + 1, at: before)])
        XCTAssertEqual(outdated?.rule, .itemVersionAtAcceptance)
        XCTAssertEqual(outdated?.resolver, state.decider)
        XCTAssertNil(ItemVersionAtAcceptance.record(state, opened: opened, publications: [publication(Int64(state.item.version) + 1, at: before + 2_000)]),
                     "a version published after the acceptance does not make it outdated")
    }
}
