import Foundation
import XCTest

@testable import LiandongDomain
@testable import LiandongServer
@testable import LiandongStore
@testable import LiandongSync

/// Codes of the test tree: a county, two townships, villages under them.
enum Tree {
    static let county = "330106"
    static let township = "330106001"
    static let village = "330106001201"
    static let village2 = "330106001202"
    static let township2 = "330106002"
    static let village3 = "330106002201"

    static func role(_ code: String) -> Role { NodeCode.role(of: code) ?? .village }
}

/// SharedClock is the `now` of every node of a test: a fixed civil start (Monday 2 March 2026,
/// 09:00 CST, a working week) plus the real time elapsed, plus an offset a test may set.
final class SharedClock: @unchecked Sendable {
    private let lock = NSLock()
    private let start: Int64 = Int64(LocalDate(iso: "2026-03-02")?.dayNumber ?? 0) * 86_400_000 - 8 * 3_600_000 + 9 * 3_600_000
    private let began = Date()

    private var offset: Int64 = 0

    var now: Int64 { lock.withLock { start + offset + Int64(Date().timeIntervalSince(began) * 1000) } }

    /// Moves every node's clock forward together (days pass for all of them at once).
    func advance(days: Int64) { lock.withLock { offset += days * 86_400_000 } }

    var closure: @Sendable () -> Int64 { { [self] in self.now } }
}

/// SyncTestCase runs real nodes on temporary files, with real HTTP servers on 127.0.0.1 port 0,
/// whose registries are set up by trusting each other's keys (enrollment is tested elsewhere).
class SyncTestCase: XCTestCase {
    var root = ""
    let clock = SharedClock()
    var stores: [String: NodeStore] = [:]
    var servers: [String: NodeServer] = [:]
    let logLines = LogLines()

    override func setUpWithError() throws {
        try super.setUpWithError()
        root = FileManager.default.temporaryDirectory.appendingPathComponent("liandong-sync-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        // Parents first: a child's parked pull then gets its answer and its lane stops at once.
        for code in servers.keys.sorted(by: { $0.count < $1.count }) { servers[code]?.stop() }
        servers.removeAll()
        stores.removeAll()
        if !root.isEmpty { try? FileManager.default.removeItem(atPath: root) }
        try super.tearDownWithError()
    }

    func directory(_ code: String) -> String { root + "/" + code }

    /// Creates the nodes, makes every node trust every other, and has the county publish the
    /// example catalog and the 2026 calendar.
    func makeNodes(_ codes: [String] = [Tree.county, Tree.township, Tree.village]) throws {
        for code in codes {
            stores[code] = try NodeStore.initialize(
                directory: directory(code), role: Tree.role(code), code: code, name: "节点\(code)", now: clock.closure)
        }
        for (code, store) in stores {
            for (other, peer) in stores where other != code {
                try store.trust(code: other, role: peer.identity.role, name: peer.identity.name, publicKey: peer.identity.publicKey)
            }
        }
        if let county = stores[Tree.county] {
            try county.importCatalog(try Examples.json("catalog.json"), actor: "admin")
            try county.setCalendarYear(try Examples.json("calendar-2026.json"), actor: "admin")
        }
    }

    /// Starts the HTTP server of a node (no sync loop unless `parent` is given); `adjust` changes
    /// the test's settings (short intervals) before it starts.
    @discardableResult
    func serve(_ code: String, parent: String? = nil, adjust: (inout NodeServer.Configuration) -> Void = { _ in }) throws -> NodeServer {
        var configuration = NodeServer.Configuration(directory: directory(code), parentURL: parent.flatMap { servers[$0]?.url })
        configuration.now = clock.closure
        configuration.watchInterval = 0.05
        configuration.pushInterval = .milliseconds(50)
        configuration.defaultRatingInterval = 0.05
        adjust(&configuration)
        let lines = logLines
        configuration.log = { lines.append($0) }
        let server = try NodeServer(configuration: configuration)
        servers[code] = server
        return server
    }

    func store(_ code: String) -> NodeStore {
        guard let store = stores[code] else { preconditionFailure("no node \(code)") }
        return store
    }

    /// A client of `code` talking to its parent's running server.
    func client(_ code: String) throws -> SyncClient {
        guard let parent = NodeCode.parent(of: code), let server = servers[parent] else { preconditionFailure("parent of \(code) not serving") }
        return try SyncClient(store: store(code), parentURL: server.url, configuration: HTTPClient.Configuration(timeout: .seconds(40)))
    }

    /// One `sync --once` exchange of `code` with its parent.
    @discardableResult
    func sync(_ code: String) throws -> SyncOutcome {
        try client(code).syncOnce()
    }

    func count(_ code: String, _ sql: String, _ args: [SQLValue] = []) throws -> Int64 {
        try store(code).db.scalarInt(sql, args) ?? 0
    }

    /// Rows of the tables a refused request must not touch.
    func footprint(_ code: String) throws -> [Int64] {
        try ["changes", "quarantine", "routes", "peers", "conflicts", "cases"].map { try count(code, "SELECT count(*) FROM \($0)") }
    }

    func holds(_ code: String, origin: String, seq: Int64) throws -> Bool {
        try count(code, "SELECT count(*) FROM changes WHERE origin = ? AND seq = ?", [.text(origin), .integer(seq)]) == 1
    }

    func stateHash(_ code: String, _ number: String) throws -> [UInt8]? {
        try store(code).db.query("SELECT state_hash FROM cases WHERE number = ?", [.text(number)]).first?.blob("state_hash")
    }

    /// Accepts a case at `code` for `item` with all its required materials.
    func accept(at code: String, item: String) throws -> String {
        let store = store(code)
        guard let definition = try store.item(code: item) else { throw StoreError("test", "item \(item) not held at \(code)") }
        let request = AcceptRequest(
            itemCode: item, applicant: Applicant(name: "张桂英", idNumber: "11010519491231002X", phone: "13812345678"),
            materials: definition.materials.filter(\.required).map(\.id), actor: "窗口-李")
        return try store.acceptCase(request).number
    }

    /// A raw sync request signed as `code` (or not at all), for refusal tests.
    func rawRequest(
        to server: String, _ endpoint: String, as code: String?, body: [UInt8], time: Int64? = nil, nonce: String? = nil,
        signature: String? = nil, headers extra: [(String, String)] = [], method: String = "POST"
    ) throws -> HTTPResponse {
        guard let target = servers[server] else { preconditionFailure("\(server) not serving") }
        let path = "/sync/v1/" + endpoint
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        if let code {
            let time = time ?? clock.now
            let nonce = try nonce ?? Hex.encode(secureRandomBytes(16))
            let text = RequestSignature.signedText(method: method, path: path, node: code, time: time, nonce: nonce, body: body)
            let signed = try signature ?? Hex.encode(try KeyFile.read(from: directory(code)).sign(text))
            headers += [("Liandong-Node", code), ("Liandong-Time", String(time)), ("Liandong-Nonce", nonce), ("Liandong-Signature", signed)]
        }
        let http = try HTTPClient()
        return try http.perform(HTTPRequest(method: method, url: target.url + path, headers: headers + extra, body: body))
    }

    func json(_ response: HTTPResponse) throws -> JSONValue { try JSONParser.parse(response.body) }

    /// Polls `condition` every 20 ms until it holds or `timeout` passes (never asserts a duration).
    func waitUntil(timeout: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
        let limit = Date().addingTimeInterval(timeout)
        while Date() < limit {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try condition()
    }
}

/// LogLines collects what servers and loops log, for failure messages.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: String { lock.withLock { lines.joined(separator: "\n") } }
}

/// Examples reads Deploy/examples of this repository, found from this file's path.
enum Examples {
    static let directory: String = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            let candidate = url.appendingPathComponent("Deploy/examples").path
            if FileManager.default.fileExists(atPath: candidate + "/catalog.json") { return candidate }
            url = url.deletingLastPathComponent()
        }
        preconditionFailure("Deploy/examples not found above \(#filePath)")
    }()

    static func json(_ name: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: directory + "/" + name) else {
            throw StoreError("test_fixture_missing", "cannot read \(directory)/\(name)")
        }
        return try JSONParser.parse(Array(data))
    }
}

/// Items of the example catalog the tests use.
enum Items {
    /// 最低生活保障申请: accepted at a village, decided by the county.
    static let countyDecided = "000105001000"
    /// 临时救助申请: decided by the township.
    static let townshipDecided = "000105003000"
}
