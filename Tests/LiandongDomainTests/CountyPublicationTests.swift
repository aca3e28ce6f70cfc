import LiandongDomain
import XCTest

/// What the county publishes folds to the same item, year and setting at every replica, whatever
/// order the changes arrived in: last writer by (hlc, origin); refused changes publish nothing.
final class CountyPublicationTests: XCTestCase {
    let county = CaseFixtures.county

    func published(_ kind: String, _ payload: JSONValue, at millis: Int64, from origin: String? = nil, seq: Int64 = 1) -> Change {
        Change(origin: origin ?? county, seq: seq, hlc: HLC(physicalMillis: millis, logical: 0), wall: millis, actor: "admin",
               entity: "item:SUBSIDY", kind: kind, payload: payload, parties: [EntityName.everyone], prev: Change.zeroHash)
    }

    func item(limit: Int) -> JSONValue {
        guard case .object(var fields) = CaseFixtures.itemJSON() else { return .null }
        fields["promisedLimit"] = ["days": .int(Int64(limit)), "unit": "working"]
        return .object(fields)
    }

    func testTheLaterPublicationStandsWhateverTheOrder() throws {
        let first = published(CatalogKind.itemPublished, item(limit: 20), at: 1_000, seq: 1)
        let second = published(CatalogKind.itemPublished, item(limit: 15), at: 2_000, seq: 2)
        let forwards = CountyPublication.fold([first, second])
        XCTAssertEqual(forwards, CountyPublication.fold([second, first]))
        let standing = try XCTUnwrap(forwards["item:SUBSIDY"])
        XCTAssertEqual(standing.seq, 2)
        guard case .item(let held) = standing.subject else { return XCTFail("an item") }
        XCTAssertEqual(held.promisedLimit.days, 15)
    }

    func testATieInTimeGoesToTheLargerOrigin() throws {
        let a = try XCTUnwrap(CountyPublication(published(CatalogKind.itemPublished, item(limit: 20), at: 1_000)))
        XCTAssertTrue(a.replaces(heldHLC: HLC(physicalMillis: 999, logical: 0), heldOrigin: "330199"))
        XCTAssertFalse(a.replaces(heldHLC: HLC(physicalMillis: 1_000, logical: 0), heldOrigin: "330199"), "330199 > 330102")
        XCTAssertTrue(a.replaces(heldHLC: HLC(physicalMillis: 1_000, logical: 0), heldOrigin: "330101"))
    }

    func testARefusedChangePublishesNothing() {
        XCTAssertNil(CountyPublication(published(CatalogKind.itemPublished, item(limit: 20), at: 5_000, from: CaseFixtures.township)),
                     "a township cannot publish")
        XCTAssertNil(CountyPublication(published(CatalogKind.itemPublished, ["code": "SUBSIDY"], at: 5_000)), "a payload that does not read")
        XCTAssertNil(CountyPublication(published(CaseAction.approve.kind, [:], at: 5_000)), "not a publication")
        let settings = CountyPublication(published(EvaluationSettings.kind, EvaluationSettings.unset.json, at: 5_000))
        XCTAssertEqual(settings?.entity, EvaluationSettings.kind)
    }
}
