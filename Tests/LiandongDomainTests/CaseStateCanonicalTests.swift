import XCTest
@testable import LiandongDomain

private typealias F = CaseFixtures

/// The state's bytes written directly (the store's hot path) are the canonical text of its tree,
/// for states with every kind of member: a state hash must never depend on which encoder ran.
final class CaseStateCanonicalTests: XCTestCase {
    func testDirectEncodingEqualsTheCanonicalTextOfTheTree() throws {
        var h = F.History()
        let accepted = h.acceptance(materials: ["id_card", "household"], tolerate: true)
        var states = [try F.fold([accepted])]
        let sha = String(repeating: "ab", count: 32)
        let attach = h.make(F.village, .attach, [
            "material": "id_card", "sha256": .string(sha), "size": 1_000, "mediaType": "image/jpeg", "fileName": "身份证 \"正面\".jpg",
        ])
        states.append(try F.fold([accepted, attach]))

        var denied = F.History()
        let deniedChanges = [
            denied.acceptance(at: F.county),
            denied.make(F.county, .deny, ["reasons": ["收入超过标准", "引号\"与\\反斜杠\n换行"]]),
            denied.make(F.county, .issue, [:]),
        ]
        let deniedState = try F.fold(deniedChanges)
        states.append(deniedState)
        states.append(try CaseReducer.apply(denied.make(F.county, .rehandle, ["reason": "复核后认为应重新审查"]), to: deniedState))

        for state in states {
            XCTAssertEqual(String(decoding: state.canonicalBytes, as: UTF8.self), state.json.canonicalString)
        }
        XCTAssertFalse(states[1].attachments.isEmpty, "one state carries files")
        XCTAssertFalse(states[2].negatives.isEmpty, "one state carries a denial")
        XCTAssertFalse(states[3].rehandlings.isEmpty, "one state was handled again")
    }
}
