import LiandongDomain
import XCTest

final class ServiceItemTests: XCTestCase {
    let item = ServiceItem(
        code: "000105001000", name: "最低生活保障申请", type: .administrativePayment, kind: .promised,
        acceptAt: [.village, .township, .county], decideAt: .county, legalLimit: TimeLimit(days: 30, unit: .working),
        promisedLimit: TimeLimit(days: 20, unit: .working),
        materials: [
            Material(id: "application", name: "最低生活保障申请书"),
            Material(id: "id_card", name: "居民身份证"),
            Material(id: "illness_proof", name: "重病证明", required: false, form: .copy),
            Material(id: "household_register", name: "居民户口簿"),
        ], toleratedMissing: true, supplementPausesClock: true)

    func testMissingMaterialsListsRequiredOnesNotProvidedInCatalogOrder() {
        XCTAssertEqual(item.missingMaterials(provided: ["id_card"]).map(\.id), ["application", "household_register"])
    }

    func testOptionalMaterialsAreNeverMissing() {
        XCTAssertEqual(item.missingMaterials(provided: ["application", "id_card", "household_register"]), [])
    }

    func testUnknownProvidedIdsAreIgnored() {
        XCTAssertEqual(item.missingMaterials(provided: ["passport"]).count, 3)
    }

    func testCanBeAcceptedOnlyAtListedTiers() {
        var township = item
        township.acceptAt = [.township]
        XCTAssertTrue(item.canBeAccepted(at: .village))
        XCTAssertFalse(township.canBeAccepted(at: .village))
        XCTAssertFalse(township.canBeAccepted(at: .county))
    }

    func testInitDefaultsVersionOneAndNoOptionalData() {
        XCTAssertEqual(item.version, 1)
        XCTAssertNil(item.implementationCode)
        XCTAssertNil(item.preliminaryReviewLimit)
        XCTAssertNil(item.fee)
    }

    func testItemTypesCarryTheirGBT39046CodesAndNames() {
        XCTAssertEqual(ServiceItem.ItemType.administrativeLicense.standardCode, "01")
        XCTAssertEqual(ServiceItem.ItemType.administrativePayment.standardCode, "05")
        XCTAssertEqual(ServiceItem.ItemType.administrativeConfirmation.standardCode, "07")
        XCTAssertEqual(ServiceItem.ItemType.otherPower.standardCode, "10")
        XCTAssertEqual(ServiceItem.ItemType.publicService.standardCode, "20")
        XCTAssertNil(ServiceItem.ItemType.administrativeFiling.standardCode)
        XCTAssertEqual(ServiceItem.ItemType.publicService.chineseName, "公共服务")
        XCTAssertEqual(ServiceItem.ItemType.administrativeLicense.rawValue, "administrative_license")
    }

    func testKindsCarryTheirCaseTypeCodes() {
        XCTAssertEqual(ServiceItem.Kind.immediate.standardCode, 1)
        XCTAssertEqual(ServiceItem.Kind.promised.standardCode, 2)
        XCTAssertEqual(ServiceItem.Kind.immediate.chineseName, "即办件")
    }

    func testExercisingLevelsAreNumberedOneToSeven() {
        XCTAssertEqual(ServiceItem.ExercisingLevel.allCases.map(\.rawValue), Array(1...7))
        XCTAssertEqual(ServiceItem.ExercisingLevel.township.chineseName, "乡镇（街道）级")
        XCTAssertEqual(ServiceItem.ExercisingLevel.tiered.chineseName, "分级管理")
    }

    func testServiceObjectsAreNumberedOneToSix() {
        XCTAssertEqual(ServiceItem.ServiceObject.allCases.map(\.standardCode), Array(1...6))
        XCTAssertEqual(ServiceItem.ServiceObject.naturalPerson.chineseName, "自然人")
    }
}
