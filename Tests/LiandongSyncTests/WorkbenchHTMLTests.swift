@testable import LiandongServer
import XCTest

final class WorkbenchHTMLTests: XCTestCase {
    func testHostileTextIsEscaped() {
        XCTAssertEqual(HTML.esc("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;")
        XCTAssertEqual(HTML.esc("\"><img src=x onerror=alert('1')>"), "&quot;&gt;&lt;img src=x onerror=alert(&#39;1&#39;)&gt;")
        XCTAssertEqual(HTML.esc("李秀英 & 子"), "李秀英 &amp; 子")
    }

    func testFormsKeepEveryValueOfARepeatedName() {
        let form = WebForm(body: Array("material=id_card&material=photo&name=%E6%9D%8E+%E7%A7%80&empty=&reasons=a%0D%0A%0D%0Ab".utf8))
        XCTAssertEqual(form.all("material"), ["id_card", "photo"])
        XCTAssertEqual(form["name"], "李 秀")
        XCTAssertNil(form["empty"])
        XCTAssertEqual(form.lines("reasons"), ["a", "b"])
    }

    func testSessionCookiesAreHttpOnlyStrictAndSecureOverHTTPS() {
        XCTAssertEqual(Cookies.make("ld_s_330106", "t", secure: false), "ld_s_330106=t; Path=/; HttpOnly; SameSite=Strict")
        XCTAssertEqual(Cookies.make("ld_s_330106", "t", secure: true), "ld_s_330106=t; Path=/; HttpOnly; SameSite=Strict; Secure")
        XCTAssertEqual(Cookies.parse("a=1; ld_s_330106=abc")["ld_s_330106"], "abc")
    }

    func testBarChartsAreInlineSVGWithEscapedLabels() {
        let svg = HTML.bars("办件数", [("<b>", 3, "3"), ("低保", 1, "1")])
        XCTAssertTrue(svg.contains("<svg"))
        XCTAssertTrue(svg.contains("&lt;b&gt;"))
        XCTAssertFalse(svg.contains("<b>"))
    }
}
