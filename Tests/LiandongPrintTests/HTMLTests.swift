@testable import LiandongPrint
import XCTest

final class HTMLTests: XCTestCase {
    func testEscapesEveryCharacterThatCouldOpenMarkup() {
        XCTAssertEqual(HTML.escape("<a href='x'>\"&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;")
        XCTAssertEqual(HTML.escape("张秀英"), "张秀英")
    }

    func testQueryValuesArePercentEncodedAsUTF8() {
        XCTAssertEqual(HTML.queryValue("A b&c=张"), "A%20b%26c%3D%E5%BC%A0")
        XCTAssertEqual(HTML.queryValue("330127-20260928-0001"), "330127-20260928-0001")
    }
}
