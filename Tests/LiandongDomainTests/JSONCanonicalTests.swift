import LiandongDomain
import XCTest

/// The canonical encoder and the strict parser on the strings and numbers where fast paths could go wrong.
final class JSONCanonicalTests: XCTestCase {
    func testStringsRoundTripThroughEveryEscape() throws {
        let samples = [
            "", "a", "县政务服务中心", "引号\"与反斜杠\\", "tab\tline\nreturn\rbell\u{08}feed\u{0C}", "\u{00}\u{01}\u{1F}",
            "emoji 🧧 and 𠀀", "/slash/", "mixed 中\"文\\end", String(repeating: "长", count: 5000),
        ]
        for sample in samples {
            let encoded = JSONValue.string(sample).canonicalBytes
            XCTAssertEqual(try JSONParser.parse(encoded), .string(sample), sample)
        }
        XCTAssertEqual(JSONValue.string("a\"b\\c\n\u{01}").canonicalString, #""a\"b\\c\n\u0001""#)
        XCTAssertEqual(JSONValue.string("中").canonicalBytes, [0x22, 0xE4, 0xB8, 0xAD, 0x22])
    }

    func testEscapedInputDecodesToTheSameString() throws {
        XCTAssertEqual(try JSONParser.parse(#""\u4e2d\u6587\/\ud83e\udde7""#), .string("中文/🧧"))
        XCTAssertEqual(try JSONParser.parse(#"{"k":"x\"y","z":"plain"}"#), ["k": "x\"y", "z": "plain"])
    }

    func testIntegersEncodeInPlainDecimal() {
        let values: [Int64] = [0, 7, -7, 10, -10, 1_000_000, JSONParser.maxSafeInteger, -JSONParser.maxSafeInteger, Int64.min, Int64.max]
        for value in values { XCTAssertEqual(JSONValue.int(value).canonicalString, String(value)) }
    }

    func testObjectKeysSortByUTF8Bytes() {
        let value: JSONValue = ["b": 1, "a": ["z": true, "é": .null, "Z": false], "中": "x", "B": []]
        XCTAssertEqual(value.canonicalString, #"{"B":[],"a":{"Z":false,"z":true,"é":null},"b":1,"中":"x"}"#)
    }

    func testInvalidStringsAreRefused() {
        let cases: [([UInt8], String)] = [
            ([0x22, 0xFF, 0x22], "invalid UTF-8 in string"),
            ([0x22, 0xE4, 0xB8, 0x22], "invalid UTF-8 in string"),
            ([0x22, 0x61, 0x0A, 0x22], "control character in string"),
            ([0x22, 0x61, 0x62], "unterminated string"),
            (Array(#""\ud800""#.utf8), "lone surrogate in string"),
        ]
        for (bytes, reason) in cases {
            XCTAssertThrowsError(try JSONParser.parse(bytes)) { error in
                XCTAssertEqual((error as? JSONParseError)?.reason, reason, "\(bytes)")
            }
        }
    }
}
