import Foundation
import XCTest

/// First run without a terminal: `serve` on an empty data directory serves the setup page on
/// loopback; a form POST over real HTTP initialises and enrols the node, and serve carries on.
final class SetupPageEndToEndTests: XCTestCase {
    /// One HTTP/1.0 request over a loopback socket; (status, body).
    private func request(port: Int, _ method: String, _ path: String, form: [(String, String)] = []) -> (status: Int, body: String)? {
        let body = form.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        var text = "\(method) \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n"
        if method == "POST" { text += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n" }
        let bytes = Array((text + "\r\n" + body).utf8)
        guard bytes.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, 0) }) == bytes.count else { return nil }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        let all = String(decoding: response, as: UTF8.self)
        guard let line = all.split(separator: "\r\n").first, let status = Int(line.split(separator: " ")[1]) else { return nil }
        return (status, all.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n"))
    }

    private func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    func testAVillageAgentJoinsThroughTheSetupPage() throws {
        // The parent: the prepared county (330127, 淳安县), serving on loopback.
        let county = try TestNode.county()
        let countyPort = try FreePort.pick()
        let parent = try Spawned(["serve", "--data", county.directory, "--listen", "127.0.0.1:\(countyPort)"], log: county.file("county.log"))
        defer { parent.stop() }
        XCTAssertTrue(eventually(within: 30) { HTTPProbe.get(port: countyPort, path: "/healthz")?.status == 200 })
        // On the real clock, as the serving county and the new node run (a token made at LIANDONG_NOW would have expired).
        let added = try Liandong.run(
            ["node", "add", "--data", county.directory, "--code", "330127101", "--role", "township", "--name", "千岛湖镇", "--json"], now: nil)
        let token = try XCTUnwrap(try added.object()["token"] as? String, added.transcript)

        // The new PC: serve with nothing but an empty data directory.
        let town = try TestNode()
        let port = try FreePort.pick()
        let log = town.file("serve.log")
        let server = try Spawned(["serve", "--data", town.directory, "--listen", "127.0.0.1:\(port)"], log: log)
        defer { server.stop() }
        XCTAssertTrue(eventually(within: 30) { self.request(port: port, "GET", "/")?.status == 200 }, "the setup page is up")
        let page = try XCTUnwrap(request(port: port, "GET", "/"))
        XCTAssertTrue(page.body.contains("初始化本节点"), page.body)
        let csrf = try XCTUnwrap(page.body.components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?.prefix(32)).description
        XCTAssertEqual(request(port: port, "GET", "/healthz")?.status, 503)

        let forged = try XCTUnwrap(request(port: port, "POST", "/setup", form: [("role", "county"), ("code", "330127"), ("name", "x")]))
        XCTAssertEqual(forged.status, 403, "a POST without the page's form token is refused")
        let wrong = try XCTUnwrap(request(port: port, "POST", "/setup", form: [("csrf", csrf), ("role", "township"), ("code", "3301"), ("name", "千岛湖镇")]))
        XCTAssertEqual(wrong.status, 400)
        XCTAssertTrue(wrong.body.contains("区划代码 3301 与节点类型不符") && wrong.body.contains("请填写上级地址"), wrong.body)
        XCTAssertFalse(FileManager.default.fileExists(atPath: town.directory + "/liandong.sqlite"), "nothing is made from a bad form")
        let badToken = try XCTUnwrap(request(port: port, "POST", "/setup", form: [
            ("csrf", csrf), ("role", "township"), ("code", "330127101"), ("name", "千岛湖镇"),
            ("parent", "http://127.0.0.1:\(countyPort)"), ("token", String(repeating: "0", count: 64)),
        ]))
        XCTAssertEqual(badToken.status, 400)
        XCTAssertTrue(badToken.body.contains("加入上级失败"), badToken.body)

        let joined = try XCTUnwrap(request(port: port, "POST", "/setup", form: [
            ("csrf", csrf), ("role", "township"), ("code", "330127101"), ("name", "千岛湖镇"),
            ("parent", "http://127.0.0.1:\(countyPort)"), ("token", token),
        ]))
        XCTAssertEqual(joined.status, 200, joined.body)
        XCTAssertTrue(joined.body.contains("初始化完成") && joined.body.contains("千岛湖镇"), joined.body)
        // The administrator's one-time password is shown once on the page (the agent has no terminal) and never logged.
        let shown = try XCTUnwrap(joined.body.range(of: #"id="admin-password">[^<]{8,}<"#, options: .regularExpression), joined.body)
        let password = String(joined.body[shown].dropFirst(#"id="admin-password">"#.count).dropLast())
        XCTAssertFalse(String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self).contains(password))

        // serve carries on as the node, on the same port, and syncs with its parent.
        XCTAssertTrue(eventually(within: 30) { HTTPProbe.get(port: port, path: "/healthz")?.body.contains("330127101") == true },
                      String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self))
        let registry = try XCTUnwrap(try Liandong.run(["node", "list", "--data", county.directory, "--json"], now: nil).json() as? [[String: Any]])
        XCTAssertTrue(registry.contains { $0["code"] as? String == "330127101" && $0["status"] as? String == "registered" })
        XCTAssertTrue(try eventually(within: 30) {
            let status = try Liandong.run(["status", "--data", town.directory, "--json"], now: nil).object()
            return (status["sync"] as? [String: Any])?["parentCode"] as? String == "330127"
        })
        server.stop()
        XCTAssertFalse(server.isRunning)
    }

    func testTheSetupPageListensOnLoopbackOnlyAndStopsOnSIGTERM() throws {
        let town = try TestNode()
        let port = try FreePort.pick()
        let log = town.file("serve.log")
        let server = try Spawned(["serve", "--data", town.directory, "--listen", "0.0.0.0:\(port)"], log: log)
        XCTAssertTrue(eventually(within: 30) { self.request(port: port, "GET", "/")?.status == 200 })
        let text = String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self)
        XCTAssertTrue(text.contains("open http://127.0.0.1:\(port)/"), text)
        server.send(SIGTERM)
        XCTAssertEqual(server.wait(seconds: 10), 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: town.directory + "/liandong.sqlite"))
    }
}
