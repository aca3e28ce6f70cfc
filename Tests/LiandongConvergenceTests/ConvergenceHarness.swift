import Foundation
import LiandongDomain
import LiandongStore

/// A seeded random number generator (SplitMix64), so that a failing schedule replays exactly.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// ConvergenceHarness runs a county, a township and two villages as real stores on temporary
/// files, exchanging changes through `ingest` (the path the sync uses) in random orders, with
/// duplicates and partitions, and checks that every replica converges.
final class ConvergenceHarness {
    static let county = "330106"
    static let township = "330106001"
    static let villages = ["330106001201", "330106001202"]

    let root: String
    var nodes: [String: NodeStore] = [:]
    var random: SeededRandom
    var millis: Int64 = 1_795_000_000_000
    var cases: [String] = []

    init(seed: UInt64, examples: String) throws {
        random = SeededRandom(seed: seed)
        root = FileManager.default.temporaryDirectory.appendingPathComponent("liandong-conv-\(getpid())-\(seed)").path
        try? FileManager.default.removeItem(atPath: root)
        let specs: [(String, Role)] = [(Self.county, .county), (Self.township, .township)] + Self.villages.map { ($0, .village) }
        for (code, role) in specs {
            let node = try NodeStore.initialize(directory: root + "/" + code, role: role, code: code, name: code, now: { [unowned self] in self.millis })
            nodes[code] = node
        }
        for (code, node) in nodes {
            for (other, peer) in nodes where other != code {
                try node.trust(code: other, role: peer.identity.role, name: other, publicKey: peer.identity.publicKey)
            }
        }
        let catalog = try JSONParser.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: examples + "/catalog.json"))))
        try county.importCatalog(catalog, actor: "admin")
        try fullExchange()
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    var county: NodeStore { nodes[Self.county]! }

    /// Tree edges: each child with its parent.
    var edges: [(child: String, parent: String)] {
        [(Self.township, Self.county)] + Self.villages.map { ($0, Self.township) }
    }

    /// Delivers from `from` to `to` what `to` lacks, as a shuffled batch with some duplicates,
    /// or only a random part of it when `partial`.
    func deliver(from: String, to: String, partial: Bool) throws {
        guard let source = nodes[from], let target = nodes[to] else { return }
        let all = try source.changes(afterLSN: 0, limit: 1_000_000).map(\.change)
        var missing: [Change] = []
        for change in all where try target.chainHead(of: change.origin).seq < change.seq || !(try holds(target, change)) {
            missing.append(change)
        }
        if partial { missing = missing.filter { _ in Bool.random(using: &random) } }
        missing.shuffle(using: &random)
        if let duplicate = all.randomElement(using: &random) { missing.append(duplicate) }
        if !missing.isEmpty { _ = try target.ingest(missing, from: from) }
    }

    func holds(_ node: NodeStore, _ change: Change) throws -> Bool {
        try node.changes(ofEntity: change.entity).contains { $0.origin == change.origin && $0.seq == change.seq }
    }

    /// Exchanges along every edge until nothing moves: up first, then down.
    func fullExchange() throws {
        for _ in 0..<3 {
            for edge in edges.reversed() { try deliver(from: edge.child, to: edge.parent, partial: false) }
            for edge in edges { try deliver(from: edge.parent, to: edge.child, partial: false) }
        }
    }

    func tick() { millis += Int64.random(in: 1_000...3_600_000, using: &random) }

    /// One random operation at a random node; refused operations are simply not made.
    func randomOperation() throws {
        tick()
        let code = ([Self.county, Self.township] + Self.villages).randomElement(using: &random)!
        let node = nodes[code]!
        if cases.isEmpty || Int.random(in: 0..<4, using: &random) == 0, node.identity.role != .county || Bool.random(using: &random) {
            let code = ["000105001000", "000105003000", "000120017000"].randomElement(using: &random)!
            guard let item = try node.item(code: code) else { return }
            let request = AcceptRequest(
                itemCode: code, applicant: Applicant(name: "村民", idNumber: "11010519491231002X", phone: "13812345678"),
                materials: item.materials.map(\.id), actor: "agent")
            if let state = try? node.acceptCase(request) { cases.append(state.number) }
            return
        }
        guard let number = cases.randomElement(using: &random) else { return }
        let actions: [(CaseAction, JSONValue)] = [
            (.forward, [:]), (.review, [:]), (.approve, [:]), (.deny, ["reasons": ["不符合条件"]]),
            (.withdraw, ["reason": "申请人撤回"]), (.requestSupplement, ["materials": ["id_card"]]), (.recordSupplement, ["materials": ["id_card"]]),
            (.issue, [:]), (.deliver, ["method": "collected"]), (.evaluate, ["level": .int(Int64.random(in: 1...5, using: &random))]),
            (.extend, ["reason": "核查"]), (.updateContact, ["phone": .string("1390000\(Int.random(in: 1000...9999, using: &random))")]),
        ]
        let (action, payload) = actions.randomElement(using: &random)!
        _ = try? node.act(on: number, action, payload: payload, actor: "staff")
    }

    /// A schedule: random operations interleaved with random partial exchanges, then a full heal.
    func runSchedule(operations: Int) throws {
        for _ in 0..<operations {
            try randomOperation()
            if Int.random(in: 0..<3, using: &random) == 0, let edge = edges.randomElement(using: &random) {
                let up = Bool.random(using: &random)
                try deliver(from: up ? edge.child : edge.parent, to: up ? edge.parent : edge.child, partial: true)
            }
        }
        try fullExchange()
    }
}
