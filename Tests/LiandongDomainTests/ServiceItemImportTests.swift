import LiandongDomain
import XCTest

final class ServiceItemImportTests: XCTestCase {
    /// The example item of the import format, as the county administrator would write it.
    let elderlyCard: JSONValue = [
        "code": "000120017000", "name": "老年人优待证办理", "type": "public_service", "kind": "immediate",
        "acceptAt": ["village", "township", "county"], "decideAt": "township",
        "legalLimit": ["days": 20, "unit": "working"], "promisedLimit": ["days": 5, "unit": "working"],
        "materials": [["id": "id_card", "name": "居民身份证", "required": true, "form": "original", "copies": 1]],
        "toleratedMissing": false, "supplementPausesClock": true,
    ]

    let fullItem = ServiceItem(
        code: "000105001000", implementationCode: "330127000105001000", name: "最低生活保障申请",
        type: .administrativePayment, version: 3, kind: .promised, acceptAt: [.village, .township, .county],
        decideAt: .county, legalLimit: TimeLimit(days: 30, unit: .working),
        promisedLimit: TimeLimit(days: 20, unit: .working), preliminaryReviewLimit: TimeLimit(days: 15, unit: .working),
        materials: [
            Material(id: "application", name: "最低生活保障申请书"),
            Material(id: "illness_proof", name: "重病证明", required: false, form: .copy, copies: 2),
            Material(id: "e_consent", name: "核对授权书", form: .electronic),
        ], toleratedMissing: true, supplementPausesClock: true, legalBasis: "《社会救助暂行办法》", level: .county,
        fee: .init(charged: false, standard: "不收费"), serviceObject: .naturalPerson,
        acceptanceConditions: "家庭人均收入低于当地低保标准", resultName: "最低生活保障审核确认决定")

    /// `elderlyCard` with `key` replaced (or removed when `value` is nil).
    private func elderlyCard(_ key: String, _ value: JSONValue?) -> JSONValue {
        guard case .object(var o) = elderlyCard else { preconditionFailure() }
        o[key] = value
        return .object(o)
    }

    private func catalog(_ items: JSONValue...) -> JSONValue { ["version": 1, "items": .array(items)] }

    private func itemError(_ json: JSONValue) -> ImportError? {
        do {
            _ = try ServiceItem.parse(json)
            return nil
        } catch {
            return error
        }
    }

    private func catalogError(_ json: JSONValue) -> ImportError? {
        do {
            _ = try ServiceItem.parseCatalog(json)
            return nil
        } catch {
            return error
        }
    }

    private func assertError(
        _ error: ImportError?, _ code: String, _ field: String, item: String? = "000120017000",
        file: StaticString = #filePath, line: UInt = #line
    ) {
        guard let error else { return XCTFail("expected \(code) at \(field)", file: file, line: line) }
        XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
        XCTAssertEqual(error.field, field, "\(error)", file: file, line: line)
        XCTAssertEqual(error.item, item, "\(error)", file: file, line: line)
    }

    // MARK: reading

    func testReadsTheExampleOfTheImportFormat() throws {
        let item = try ServiceItem.parse(elderlyCard)
        XCTAssertEqual(item.code, "000120017000")
        XCTAssertEqual(item.name, "老年人优待证办理")
        XCTAssertEqual(item.type, .publicService)
        XCTAssertEqual(item.kind, .immediate)
        XCTAssertEqual(item.acceptAt, [.village, .township, .county])
        XCTAssertEqual(item.decideAt, .township)
        XCTAssertEqual(item.legalLimit, TimeLimit(days: 20, unit: .working))
        XCTAssertEqual(item.promisedLimit, TimeLimit(days: 5, unit: .working))
        XCTAssertEqual(item.materials, [Material(id: "id_card", name: "居民身份证")])
        XCTAssertFalse(item.toleratedMissing)
        XCTAssertTrue(item.supplementPausesClock)
        XCTAssertEqual(item.version, 1)
        XCTAssertNil(item.level)
    }

    func testNullOptionalFieldsCountAsAbsent() throws {
        XCTAssertNil(try ServiceItem.parse(elderlyCard("legalBasis", .null)).legalBasis)
    }

    func testDecidingTierNeedNotAcceptCases() throws {
        let item = try ServiceItem.parse(elderlyCard("acceptAt", ["village"]))
        XCTAssertEqual(item.decideAt, .township)
    }

    func testPromisedLimitInOtherUnitIsNotComparedWithTheLegalOne() throws {
        XCTAssertNoThrow(try ServiceItem.parse(elderlyCard("promisedLimit", ["days": 25, "unit": "natural"])))
    }

    // MARK: round trip

    /// A case's frozen item is read once per version: the kept answer is parse's, and a JSON that
    /// differs anywhere, or does not parse, is judged afresh.
    func testFrozenItemsAreParsedItems() throws {
        XCTAssertEqual(try ServiceItem.frozen(fullItem.json), fullItem)
        XCTAssertEqual(try ServiceItem.frozen(fullItem.json), fullItem)
        XCTAssertEqual(try ServiceItem.frozen(elderlyCard), try ServiceItem.parse(elderlyCard))
        XCTAssertEqual(try ServiceItem.frozen(elderlyCard("name", "老年人优待证换领")).name, "老年人优待证换领")
        XCTAssertEqual(try ServiceItem.frozen(elderlyCard).name, "老年人优待证办理")
        XCTAssertThrowsError(try ServiceItem.frozen(elderlyCard("decideAt", "province")))
        XCTAssertThrowsError(try ServiceItem.frozen(elderlyCard("decideAt", "province")), "a refusal is never kept as an item")
    }

    func testEveryFieldRoundTripsThroughJSON() throws {
        XCTAssertEqual(try ServiceItem.parse(fullItem.json), fullItem)
        let minimal = try ServiceItem.parse(elderlyCard)
        XCTAssertEqual(try ServiceItem.parse(minimal.json), minimal)
    }

    func testJSONSurvivesTheCanonicalEncodingUnchanged() throws {
        let bytes = fullItem.json.canonicalBytes
        XCTAssertEqual(try ServiceItem.parse(try JSONParser.parse(bytes)), fullItem)
        XCTAssertEqual(try ServiceItem.parse(try JSONParser.parse(bytes)).json.canonicalBytes, bytes)
    }

    func testAbsentOptionalFieldsAreOmittedFromJSON() throws {
        let json = try ServiceItem.parse(elderlyCard).json
        XCTAssertNil(json["implementationCode"])
        XCTAssertNil(json["fee"])
        XCTAssertEqual(json["version"], 1)
    }

    func testCatalogRoundTrips() throws {
        let items = [fullItem, try ServiceItem.parse(elderlyCard)]
        XCTAssertEqual(try ServiceItem.parseCatalog(ServiceItem.catalogJSON(items)), items)
    }

    // MARK: catalog document

    func testCatalogVersionMustBeOne() {
        assertError(catalogError(["version": 2, "items": []]), "unsupported_version", "version", item: nil)
        assertError(catalogError(["items": []]), "missing_field", "version", item: nil)
    }

    func testCatalogRejectsUnknownTopLevelFields() {
        assertError(catalogError(["version": 1, "items": [], "county": "x"]), "unknown_field", "county", item: nil)
    }

    func testCatalogItemsMustBeAnArrayOfObjects() {
        assertError(catalogError(["version": 1, "items": ["a": 1]]), "wrong_type", "items", item: nil)
        assertError(catalogError(catalog(elderlyCard, "x")), "wrong_type", "items[1]", item: nil)
    }

    func testDuplicateCodeIsRejectedAtTheSecondItem() {
        assertError(catalogError(catalog(elderlyCard, elderlyCard)), "duplicate", "items[1].code")
    }

    func testErrorsInsideACatalogNameTheItemAndItsPath() {
        let bad = elderlyCard("legalLimit", ["days": -1, "unit": "working"])
        let error = catalogError(catalog(fullItem.json, bad))
        assertError(error, "invalid_field", "items[1].legalLimit.days")
        XCTAssertTrue(error?.message.contains("-1") ?? false)
    }

    // MARK: field errors

    func testMissingFieldIsNamed() {
        assertError(itemError(elderlyCard("name", nil)), "missing_field", "name")
        assertError(itemError(elderlyCard("supplementPausesClock", nil)), "missing_field", "supplementPausesClock")
        assertError(itemError(elderlyCard("code", nil)), "missing_field", "code", item: nil)
    }

    func testWrongTypeIsNamedWithWhatWasFound() {
        let error = itemError(elderlyCard("legalLimit", ["days": "20", "unit": "working"]))
        assertError(error, "wrong_type", "legalLimit.days")
        XCTAssertEqual(error?.message, "应为整数，实际为字符串")
    }

    func testUnknownEnumValueListsTheAllowedOnes() {
        let error = itemError(elderlyCard("type", "license"))
        assertError(error, "unknown_value", "type")
        XCTAssertTrue(error?.message.contains("license") ?? false)
        XCTAssertTrue(error?.message.contains("administrative_license, administrative_payment") ?? false)
        assertError(itemError(elderlyCard("kind", "urgent")), "unknown_value", "kind")
        assertError(
            itemError(elderlyCard("legalLimit", ["days": 20, "unit": "calendar"])), "unknown_value", "legalLimit.unit")
        assertError(itemError(elderlyCard("acceptAt", ["village", "city"])), "unknown_value", "acceptAt[1]")
    }

    func testUnknownFieldIsRejected() {
        assertError(itemError(elderlyCard("legal_limit", ["days": 20, "unit": "working"])), "unknown_field", "legal_limit")
        assertError(
            itemError(elderlyCard("legalLimit", ["days": 20, "unit": "working", "note": "x"])), "unknown_field",
            "legalLimit.note")
    }

    func testCodeMustBeNonEmptyWithoutSpacesAndAtMostFiftyCharacters() {
        assertError(itemError(elderlyCard("code", "")), "invalid_field", "code", item: nil)
        assertError(itemError(elderlyCard("code", "0001 20017")), "invalid_field", "code", item: nil)
        assertError(
            itemError(elderlyCard("code", .string(String(repeating: "1", count: 51)))), "invalid_field", "code",
            item: nil)
        XCTAssertNoThrow(try ServiceItem.parse(elderlyCard("code", .string(String(repeating: "1", count: 50)))))
        assertError(itemError(elderlyCard("implementationCode", "33 01")), "invalid_field", "implementationCode")
    }

    func testNegativeDaysAreRejected() {
        assertError(
            itemError(elderlyCard("promisedLimit", ["days": -5, "unit": "working"])), "invalid_field",
            "promisedLimit.days")
    }

    func testAbsurdlyLongLimitIsRejected() {
        assertError(
            itemError(elderlyCard("legalLimit", ["days": 36500, "unit": "natural"])), "invalid_field", "legalLimit.days")
    }

    func testVillageCannotDecide() {
        let error = itemError(elderlyCard("decideAt", "village"))
        assertError(error, "invalid_field", "decideAt")
        XCTAssertTrue(error?.message.contains("township") ?? false)
    }

    func testAcceptAtMustBeNonEmptyWithoutRepeats() {
        assertError(itemError(elderlyCard("acceptAt", [])), "invalid_field", "acceptAt")
        assertError(itemError(elderlyCard("acceptAt", ["village", "village"])), "duplicate", "acceptAt[1]")
        assertError(itemError(elderlyCard("acceptAt", "village")), "wrong_type", "acceptAt")
    }

    func testPromisedLimitCannotExceedTheLegalOne() {
        assertError(
            itemError(elderlyCard("promisedLimit", ["days": 21, "unit": "working"])), "invalid_field",
            "promisedLimit.days")
    }

    func testPromisedItemNeedsAtLeastOneDay() {
        var json = elderlyCard("kind", "promised")
        guard case .object(var o) = json else { return XCTFail() }
        o["promisedLimit"] = ["days": 0, "unit": "working"]
        json = .object(o)
        assertError(itemError(json), "invalid_field", "promisedLimit.days")
        XCTAssertNoThrow(try ServiceItem.parse(elderlyCard("promisedLimit", ["days": 0, "unit": "working"])))
    }

    func testPreliminaryReviewLimitOnlyForCountyDecidedItems() {
        assertError(
            itemError(elderlyCard("preliminaryReviewLimit", ["days": 20, "unit": "working"])), "invalid_field",
            "preliminaryReviewLimit")
    }

    func testVersionMustBePositive() {
        assertError(itemError(elderlyCard("version", 0)), "invalid_field", "version")
    }

    func testMaterialErrorsCarryTheirIndex() {
        let materials: JSONValue = [
            ["id": "id_card", "name": "居民身份证", "required": true, "form": "original"],
            ["id": "id_card", "name": "居民身份证复印件", "required": true, "form": "copy"],
        ]
        assertError(itemError(elderlyCard("materials", materials)), "duplicate", "materials[1].id")
        assertError(
            itemError(elderlyCard("materials", [["id": "x", "name": "y", "required": true]])), "missing_field",
            "materials[0].form")
    }

    func testLevelMustBeOneToSeven() {
        let error = itemError(elderlyCard("level", 8))
        assertError(error, "unknown_value", "level")
        XCTAssertEqual(try ServiceItem.parse(elderlyCard("level", 5)).level, .township)
    }

    func testFeeIsValidated() {
        assertError(itemError(elderlyCard("fee", ["charged": true, "amount": 10])), "unknown_field", "fee.amount")
        assertError(itemError(elderlyCard("fee", ["standard": "x"])), "missing_field", "fee.charged")
    }

    func testServiceObjectIsAnEnum() {
        assertError(itemError(elderlyCard("serviceObject", "person")), "unknown_value", "serviceObject")
    }

    func testItemThatIsNotAnObjectIsRejected() {
        assertError(itemError("000120017000"), "wrong_type", "", item: nil)
    }
}
