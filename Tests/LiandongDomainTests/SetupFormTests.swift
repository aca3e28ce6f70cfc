import XCTest

@testable import LiandongDomain

final class SetupFormTests: XCTestCase {
    func testFormBodyDecodesPlusPercentAndUTF8() {
        let body = Array("role=village&name=%E7%BB%95%E5%9F%8E%E6%9D%91+%E4%BB%A3%E5%8A%9E%E7%82%B9&parent=https%3A%2F%2F10.1.9.2%3A8750&empty=&bad=%zz".utf8)
        let fields = FormBody.parse(body)
        XCTAssertEqual(fields["role"], "village")
        XCTAssertEqual(fields["name"], "绕城村 代办点")
        XCTAssertEqual(fields["parent"], "https://10.1.9.2:8750")
        XCTAssertEqual(fields["empty"], "")
        XCTAssertEqual(fields["bad"], "%zz")
    }

    func testAVillageNeedsItsParentAndToken() throws {
        let token = String(repeating: "ab", count: 32)
        let form = try SetupForm.parse(["role": "village", "code": "330106109201", "name": " 绕城村代办点 ", "parent": "https://10.1.9.2:8750", "token": token])
        XCTAssertEqual(form, SetupForm(role: .village, code: "330106109201", name: "绕城村代办点", parentURL: "https://10.1.9.2:8750", token: token))
    }

    func testACountyNeedsNoParent() throws {
        let form = try SetupForm.parse(["role": "county", "code": "330106", "name": "西湖区", "parent": "ignored"])
        XCTAssertNil(form.parentURL)
        XCTAssertNil(form.token)
    }

    func testEveryProblemIsListedAtOnce() {
        XCTAssertThrowsError(try SetupForm.parse(["role": "village", "code": "330106109", "name": "", "parent": "10.1.9.2", "token": "abc.notapin"])) { error in
            XCTAssertEqual((error as? SetupFormError)?.problems, [
                "区划代码 330106109 与节点类型不符：县 6 位、乡镇 9 位、村 12 位", "请填写节点名称",
                "请填写上级地址，以 https:// 或 http:// 开头", "加入口令格式不对：请完整复制上级打印的整段文字",
            ])
        }
        XCTAssertThrowsError(try SetupForm.parse([:])) { error in
            XCTAssertEqual((error as? SetupFormError)?.problems, ["请选择节点类型（县、乡镇或村）", "请填写区划代码", "请填写节点名称"])
        }
    }
}
