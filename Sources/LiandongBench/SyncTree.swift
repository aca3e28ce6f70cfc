import Foundation
import LiandongDomain
import LiandongServer
import LiandongStore
import LiandongSync

/// WallClock is the `now` of every node of the sync bench: Monday 2 March 2026 09:00 CST plus the
/// real time elapsed. The nodes must agree (requests and changes far ahead are refused), so the
/// simulated BenchClock of the single-node rows does not fit here.
final class WallClock: Sendable {
    private let began = ContinuousClock.now
    private let start: Int64

    init(start: Int64 = RealPath.start) { self.start = start }

    var now: Int64 {
        let elapsed = (ContinuousClock.now - began).components
        return start + elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
    }

    var closure: @Sendable () -> Int64 { { [self] in now } }
}

/// SyncTree is a county, one of its townships and one of that township's villages on temporary
/// files, each trusting the others' keys (enrollment is not what is measured), the county holding
/// the example catalog and calendar. Servers bind 127.0.0.1 port 0, as the sync tests do.
final class SyncTree {
    static let county = "330106"
    static let township = "330106001"
    static let village = "330106001201"

    let root: String
    let clock = WallClock()
    private var stores: [String: NodeStore] = [:]

    init(root: String, examples: String) throws {
        self.root = root
        let nodes: [(String, Role, String)] = [
            (SyncTree.county, .county, "西湖区政务服务中心"), (SyncTree.township, .township, "转塘街道便民服务中心"),
            (SyncTree.village, .village, "某村便民服务站"),
        ]
        for (code, role, name) in nodes {
            stores[code] = try NodeStore.initialize(directory: directory(code), role: role, code: code, name: name, now: clock.closure)
        }
        for (code, store) in stores {
            for (other, peer) in stores where other != code {
                try store.trust(code: other, role: peer.identity.role, name: peer.identity.name, publicKey: peer.identity.publicKey)
            }
        }
        try store(SyncTree.county).importCatalog(try RealPath.readJSON(examples + "/catalog.json"), actor: "admin")
        try store(SyncTree.county).setCalendarYear(try RealPath.readJSON(examples + "/calendar-2026.json"), actor: "admin")
    }

    func directory(_ code: String) -> String { root + "/" + code }

    /// The bench's own connection to a node's database (the servers and lanes open theirs).
    func store(_ code: String) -> NodeStore {
        guard let store = stores[code] else { preconditionFailure("no node \(code) in the sync tree") }
        return store
    }

    /// Starts a node's server as `serve` does (default intervals), with a sync loop when `parentURL` is given.
    func serve(_ code: String, parentURL: String? = nil, log: @escaping @Sendable (String) -> Void) throws -> NodeServer {
        var configuration = NodeServer.Configuration(directory: directory(code), parentURL: parentURL)
        configuration.now = clock.closure
        configuration.log = log
        return try NodeServer(configuration: configuration)
    }

    /// A client of `code` as `sync --once` makes it, talking to `parentURL`.
    func client(_ code: String, parentURL: String) throws -> SyncClient {
        try SyncClient(store: store(code), parentURL: parentURL, configuration: HTTPClient.Configuration(timeout: .seconds(300)))
    }

    func count(_ code: String, _ sql: String, _ arguments: [SQLValue] = []) throws -> Int {
        Int(try store(code).db.scalarInt(sql, arguments) ?? 0)
    }

    func holds(_ code: String, origin: String, seq: Int64) throws -> Bool {
        try count(code, "SELECT count(*) FROM changes WHERE origin = ? AND seq = ?", [.text(origin), .integer(seq)]) == 1
    }
}

/// BenchLog keeps what servers and lanes log, to show it when a phase fails.
final class BenchLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var closure: @Sendable (String) -> Void { { [self] line in lock.withLock { lines.append(line) } } }
    var tail: String { lock.withLock { lines.suffix(20).joined(separator: "\n") } }
}
