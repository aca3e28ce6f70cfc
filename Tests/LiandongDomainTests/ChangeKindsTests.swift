import LiandongDomain
import XCTest

/// The table of kinds outside the case workflow: who may make each, judged from the change alone.
final class ChangeKindsTests: XCTestCase {
    let county = CaseFixtures.county
    let township = CaseFixtures.township
    let village = CaseFixtures.village
    let pin = "27zVsFQzcExrBaNNtOzVzLXh2+YMp5M8aZxVYyXwdmY="
    let key = String(repeating: "ab", count: 32)

    func change(_ kind: String, from origin: String, entity: String, _ payload: JSONValue) -> Change {
        Change(origin: origin, seq: 1, hlc: HLC(physicalMillis: 1_700_000_000_000, logical: 0), wall: 1_700_000_000_000, actor: "admin",
               entity: entity, kind: kind, payload: payload, parties: [EntityName.everyone], prev: Change.zeroHash)
    }

    func testEveryKindIsInOneFamily() {
        XCTAssertEqual(ChangeKinds.family(of: CaseAction.approve.kind), .caseWorkflow)
        XCTAssertEqual(ChangeKinds.family(of: ConflictKind.resolved), .resolution)
        XCTAssertEqual(ChangeKinds.family(of: CatalogKind.itemPublished), .countyPublication)
        XCTAssertEqual(ChangeKinds.family(of: EvaluationSettings.kind), .countyPublication)
        XCTAssertEqual(ChangeKinds.family(of: NodeKind.revoked), .registry)
        XCTAssertEqual(ChangeKinds.family(of: RestoreHeal.healedKind), .registry)
        XCTAssertEqual(ChangeKinds.family(of: NoticeKind.oneTimeIssued), .notice)
        XCTAssertNil(ChangeKinds.family(of: "settings.next_year_rule"))
        XCTAssertTrue(ChangeKinds.isRegistryKind("node.rekeyed"), "a newer registry kind still travels first in a batch")
        XCTAssertEqual(Set(ChangeKinds.table.map(\.kind)).count, ChangeKinds.table.count, "one row per kind")
    }

    func testOnlyTheCountyPublishes() {
        let item = CaseFixtures.itemJSON()
        XCTAssertNil(ChangeKinds.problem(of: change(CatalogKind.itemPublished, from: county, entity: EntityName.item("SUBSIDY"), item)))
        let fromTownship = ChangeKinds.problem(of: change(CatalogKind.itemPublished, from: township, entity: EntityName.item("SUBSIDY"), item))
        XCTAssertEqual(fromTownship?.rule, .notAuthorized)
        XCTAssertEqual(fromTownship?.message, "节点 \(township) 无权发布事项目录")
        let settings = change(EvaluationSettings.kind, from: village, entity: EntityName.settings, EvaluationSettings.unset.json)
        XCTAssertEqual(ChangeKinds.problem(of: settings)?.rule, .notAuthorized)
        XCTAssertEqual(ChangeKinds.problem(of: change(CatalogKind.calendarYearSet, from: county, entity: "calendar:2026", ["year": "x"]))?.rule,
                       .invalidPayload, "the county's own bad payload is kept as a conflict")
    }

    func testAParentRegistersAndRevokesItsChildrenNeverItself() {
        let registration: JSONValue = ["code": .string(village), "role": "village", "name": "一村", "publicKey": .string(key)]
        XCTAssertNil(ChangeKinds.problem(of: change(NodeKind.registered, from: township, entity: EntityName.node(village), registration)))
        XCTAssertNil(ChangeKinds.problem(of: change(NodeKind.registered, from: county, entity: EntityName.node(village), registration)))
        XCTAssertEqual(ChangeKinds.problem(of: change(NodeKind.registered, from: "330102002", entity: EntityName.node(village), registration))?.message,
                       "节点 330102002 无权登记节点 \(village)", "another township's branch")
        XCTAssertEqual(ChangeKinds.problem(of: change(NodeKind.registered, from: township, entity: EntityName.node(township + "999"), registration))?.rule,
                       .invalidPayload, "the entity names another node than the payload")
        let revocation: JSONValue = ["code": .string(village), "reason": "电脑遗失"]
        XCTAssertNil(ChangeKinds.problem(of: change(NodeKind.revoked, from: township, entity: EntityName.node(village), revocation)))
        XCTAssertEqual(ChangeKinds.problem(of: change(NodeKind.revoked, from: village, entity: EntityName.node(village), revocation))?.message,
                       "节点 \(village) 不能撤销自己")
    }

    func testOnlyTheNodeItselfAnnouncesItsCertificate() {
        let pins: JSONValue = ["code": .string(county), "pins": [.string(pin)]]
        XCTAssertNil(ChangeKinds.problem(of: change(CertificateAnnouncement.kind, from: county, entity: EntityName.node(county), pins)))
        XCTAssertEqual(ChangeKinds.problem(of: change(CertificateAnnouncement.kind, from: township, entity: EntityName.node(county), pins))?.rule,
                       .notAuthorized, "a child does not vouch for its parent's keys")
        let child: JSONValue = ["code": .string(township), "pins": [.string(pin)]]
        XCTAssertEqual(ChangeKinds.problem(of: change(CertificateAnnouncement.kind, from: county, entity: EntityName.node(township), child))?.rule,
                       .notAuthorized, "a parent does not vouch for a child's keys")
        XCTAssertEqual(ChangeKinds.problem(of: change(CertificateAnnouncement.kind, from: county, entity: "node:330107", pins))?.rule, .invalidPayload)
    }

    func testAnUnknownKindIsKeptForANewerVersionAndACaseKindIsTheCasesToJudge() {
        XCTAssertEqual(ChangeKinds.problem(of: change("settings.next_year_rule", from: county, entity: EntityName.settings, [:]))?.rule, .unknownKind)
        XCTAssertNil(ChangeKinds.problem(of: change(CaseAction.approve.kind, from: village, entity: "330102001201-20260101-0001", [:])),
                     "a village approving is the case rules' call (CaseAction), not the table's")
        let refused = change("settings.next_year_rule", from: county, entity: EntityName.settings, [:])
        let record = ChangeKinds.refusal(refused, rule: .unknownKind, message: "未知")
        XCTAssertEqual(record.resolver, county)
        XCTAssertEqual(record.changes, [ChangeRef(refused)])
    }
}
