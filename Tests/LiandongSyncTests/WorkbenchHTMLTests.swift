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

    func testMultipartUploadsKeepFieldsAndFileBytes() throws {
        let boundary = "----liandong7MA4YWxk"
        XCTAssertEqual(Multipart.boundary(contentType: "multipart/form-data; boundary=\(boundary)"), boundary)
        XCTAssertEqual(Multipart.boundary(contentType: "multipart/form-data; boundary=\"\(boundary)\""), boundary)
        XCTAssertNil(Multipart.boundary(contentType: "application/x-www-form-urlencoded"))
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x0D, 0x0A, 0x2D, 0x2D]
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"material\"\r\n\r\nid_card\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"身份证 %22正面%22.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        body += png + Array("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\r\n\r\n--\(boundary)--\r\n".utf8)
        let form = try XCTUnwrap(Multipart(body: body, boundary: boundary))
        XCTAssertEqual(form.fields["csrf"], ["tok"])
        XCTAssertEqual(form.fields["material"], ["id_card"])
        XCTAssertEqual(form.files.count, 1, "an empty file input sends an empty part, which is no file")
        XCTAssertEqual(form.files.first?.fileName, "身份证 \"正面\".png")
        XCTAssertEqual(form.files.first.map { Array($0.bytes) }, png, "bytes that look like a line break and dashes stay")
        XCTAssertNil(Multipart(body: Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end".utf8), boundary: boundary))
    }
}
