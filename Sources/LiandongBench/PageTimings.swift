import Foundation
import LiandongDomain
import LiandongServer
import LiandongStore
import LiandongSync

/// PageTimings measures the workbench (issue 9): a `NodeServer` over the batched real path's
/// county (every case the bench made), a staff member logged in over HTTP, then each page fetched
/// `samples` times on loopback. The time is the client's (request to last byte), so it includes
/// the loopback HTTP exchange; the weight is the page's HTML bytes (the shared CSS and script are
/// listed once, cached by the browser).
enum PageTimings {
    struct Row {
        let name: String
        let p50: Double
        let p99: Double
        let bytes: Int
    }

    static func run(directory: String, samples: Int, openCases: Int) throws -> (cases: Int, open: Int, rows: [Row]) {
        let store = try NodeStore.open(directory: directory)
        // The real path's scripts finish their cases; a work queue needs open ones, accepted today.
        if let item = try store.item(code: "000105001000") {
            let materials = item.materials.filter(\.required).map(\.id)
            for index in 0..<openCases {
                _ = try store.acceptCase(AcceptRequest(itemCode: item.code, applicant: BenchApplicant.make(900_000 + index), materials: materials, actor: "bench"))
            }
        }
        let open = Int(try store.db.scalarInt("SELECT count(*) FROM cases WHERE status IN ('accepted', 'awaiting_supplement', 'preliminary_review', 'forwarded', 'under_review')") ?? 0)
        let password = "Liandong-2026-pages"
        if try store.staffMember("bench") == nil {
            try store.addStaff(login: "bench", name: "基准", roles: [.acceptor, .reviewer, .approver], password: password, mustChange: false)
        }
        let cases = Int(try store.db.scalarInt("SELECT count(*) FROM cases") ?? 0)
        let number = try store.db.query("SELECT number FROM cases ORDER BY accepted_at DESC LIMIT 1").first?.text("number") ?? ""
        let server = try NodeServer(configuration: NodeServer.Configuration(directory: directory))
        defer { server.stop() }
        let http = try HTTPClient()
        let code = store.identity.code
        let login = try http.perform(HTTPRequest(url: server.url + "/login"))
        let page = String(decoding: login.body, as: UTF8.self)
        guard let pre = cookie(login.headers["set-cookie"], "ld_pre_" + code),
            let csrfRange = page.range(of: #"name="csrf" value="[0-9a-f]+""#, options: .regularExpression)
        else { throw BenchError("the login page has no CSRF token") }
        let csrf = page[csrfRange].split(separator: "\"")[3]
        let answer = try http.perform(HTTPRequest(method: "POST", url: server.url + "/login",
                                                  headers: [("Cookie", "ld_pre_\(code)=\(pre)"), ("Content-Type", "application/x-www-form-urlencoded")],
                                                  body: Array("csrf=\(csrf)&login=bench&password=\(password)".utf8)))
        guard let session = cookie(answer.headers["set-cookie"], "ld_s_" + code) else { throw BenchError("bench login failed (\(answer.status))") }
        let headers = [("Cookie", "ld_s_\(code)=\(session)")]
        var rows: [Row] = []
        let pages = [("待办 /queue", "/queue"), ("待办 待决定 /queue?q=decide", "/queue?q=decide"), ("待办 全部在办 /queue?q=all", "/queue?q=all"), ("电子监察 /board", "/board"),
                     ("办件详情 /cases/{n}", "/cases/" + number), ("受理 /accept?item=…", "/accept?item=000105001000"), ("统计 /stats", "/stats")]
        for (name, path) in pages {
            var times: [Double] = []
            var bytes = 0
            for _ in 0..<samples {
                let start = ContinuousClock.now
                let response = try http.perform(HTTPRequest(url: server.url + path, headers: headers))
                times.append((ContinuousClock.now - start).seconds * 1000)
                guard response.status == 200 else { throw BenchError("\(path) answered \(response.status)") }
                bytes = response.body.count
            }
            times.sort()
            rows.append(Row(name: name, p50: times[times.count / 2], p99: times[min(times.count - 1, Int(Double(times.count) * 0.99))], bytes: bytes))
        }
        for (name, path) in [("样式 /assets/app.css", "/assets/app.css"), ("脚本 /assets/app.js", "/assets/app.js")] {
            let response = try http.perform(HTTPRequest(url: server.url + path, headers: headers))
            rows.append(Row(name: name, p50: 0, p99: 0, bytes: response.body.count))
        }
        return (cases, open, rows)
    }

    static func cookie(_ header: String?, _ name: String) -> String? {
        guard let header, let range = header.range(of: name + "=") else { return nil }
        return String(header[range.upperBound...].prefix { $0 != ";" && $0 != "," })
    }

    static func report(_ result: (cases: Int, open: Int, rows: [Row]), samples: Int) -> String {
        var lines = ["workbench pages over \(result.cases) cases (\(result.open) open), \(samples) fetches each on loopback (client time, ms; p99 of \(samples) is near the max)"]
        lines.append("  page                          p50 ms    p99 ms    bytes")
        for row in result.rows {
            let name = row.name.padding(toLength: 28, withPad: " ", startingAt: 0)
            let timing = row.p50 == 0 ? "       —         —" : String(format: "%9.1f %9.1f", row.p50, row.p99)
            lines.append("  \(name)\(timing)  \(String(format: "%7d", row.bytes))")
        }
        return lines.joined(separator: "\n")
    }
}
