import XCTest
@testable import LiandongDomain

/// Bounded free text and normalised identifiers (issue 10, item 2).
final class TextRulesTests: XCTestCase {
    typealias F = CaseFixtures

    func testIdentifiersAreUpperCasedAndFullWidthOrSpacesRefusedWithAMessage() throws {
        XCTAssertEqual(try IdentifierText.normalize("11010519491231002x"), "11010519491231002X")
        XCTAssertEqual(try IdentifierText.normalize("91330102ma28nbu477"), "91330102MA28NBU477")
        XCTAssertThrowsError(try IdentifierText.normalize("１1010519491231002X")) { error in
            XCTAssertTrue("\(error)".contains("全角"), "\(error)")
            XCTAssertTrue("\(error)".contains("第 1 位"), "\(error)")
        }
        XCTAssertThrowsError(try IdentifierText.normalize("110105 19491231002X")) { error in XCTAssertTrue("\(error)".contains("空格")) }
        XCTAssertThrowsError(try IdentifierText.normalize("110105\u{3000}19491231002X")) { error in XCTAssertTrue("\(error)".contains("空格")) }
        XCTAssertThrowsError(try IdentifierText.normalize("11010519491231002Ｘ"))
        XCTAssertTrue(IdentifierText.isNormalized("11010519491231002X"))
        XCTAssertFalse(IdentifierText.isNormalized("11010519491231002x"))
    }

    func testFreeTextIsBoundedAndControlCharactersRefused() {
        XCTAssertNil(TextRules.problem("张三", TextRules.personName))
        XCTAssertNotNil(TextRules.problem(String(repeating: "张", count: 101), TextRules.personName))
        XCTAssertNil(TextRules.problem(String(repeating: "理", count: 2000), TextRules.paragraph))
        XCTAssertNotNil(TextRules.problem(String(repeating: "理", count: 2001), TextRules.paragraph))
        XCTAssertNil(TextRules.problem("第一条\n第二条", TextRules.paragraph), "reasons and opinions may have several lines")
        XCTAssertEqual(TextRules.problem("张\n三", TextRules.personName), "不能换行")
        XCTAssertEqual(TextRules.problem("张\u{1B}[31m三", TextRules.line), "含有控制字符 U+001B")
        XCTAssertNotNil(TextRules.problem("a\u{0}b", TextRules.paragraph))
        XCTAssertNotNil(TextRules.problem("abc\u{202E}def", TextRules.line), "a right-to-left override would disguise what is printed")
    }

    func testTheReducerRefusesOverlongTextControlCharactersAndUnnormalisedIDsOnEveryReplica() throws {
        var h = F.History()
        let accepted = try CaseReducer.apply(h.acceptance(), to: nil)
        let long = h.make(F.village, .forward, ["opinion": .string(String(repeating: "长", count: 2001))])
        XCTAssertThrowsError(try CaseReducer.apply(long, to: accepted)) { error in
            XCTAssertEqual((error as? CaseError)?.code, "invalid_payload")
        }
        let control = h.make(F.village, .withdraw, ["reason": "撤回\u{7}"])
        XCTAssertThrowsError(try CaseReducer.apply(control, to: accepted))

        var lower = F.History()
        var change = lower.acceptance()
        guard case .object(var fields) = change.payload, case .object(var applicant)? = fields["applicant"] else { return XCTFail() }
        applicant["idNumber"] = "11010519491231002x"
        fields["applicant"] = .object(applicant)
        change.payload = .object(fields)
        XCTAssertThrowsError(try CaseReducer.apply(change, to: nil)) { error in
            XCTAssertEqual((error as? CaseError)?.code, "invalid_payload")
        }
    }

    /// The scalar check skips the category look-up for printable ASCII and from U+2000 on: for every
    /// Unicode scalar it must refuse exactly what the plain rule (a control character, or a format
    /// character below U+2000, or one of the named direction marks) refuses.
    func testFastScalarPathRefusesWhatThePlainRuleRefuses() {
        func plain(_ scalar: Unicode.Scalar) -> Bool {
            let category = scalar.properties.generalCategory
            let value = scalar.value
            return category == .control || category == .format && value < 0x2000
                || value == 0x2028 || value == 0x2029 || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
        }
        var checked = 0
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value), scalar != "\n", scalar != "\r", scalar != "\t" else { continue }
            let refused = TextRules.problem("甲" + String(Character(scalar)) + "a", TextRules.line) != nil
            if refused != plain(scalar) { return XCTFail("U+\(String(value, radix: 16)): refused \(refused), plain rule \(plain(scalar))") }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 1_100_000)
        // Line breaks: refused on a line, kept in a paragraph.
        XCTAssertNotNil(TextRules.problem("第一行\n第二行", TextRules.line))
        XCTAssertNil(TextRules.problem("第一行\n第二行", TextRules.paragraph))
        // The length is counted in characters, not bytes: 100 Chinese characters fit a 100-character name.
        XCTAssertNil(TextRules.problem(String(repeating: "张", count: 100), TextRules.personName))
        XCTAssertNotNil(TextRules.problem(String(repeating: "张", count: 101), TextRules.personName))
    }
}
