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

/// ConvergenceHarness runs a county, two townships and four villages as real stores on temporary
/// files, exchanging changes along the tree through `ingest` (the path the sync uses) in random
/// orders, with duplicates, partial batches and partitions, and routing down as the sync does (a
/// change goes to a child when the case it belongs to has a party in the child's subtree). The
/// workload is every operation from every tier, mostly ones valid for the state the acting node
/// sees, so that concurrency, not noise, makes the conflicts.
final class ConvergenceHarness {
    static let county = "330106"
    static let townships = ["330106001", "330106002"]
    static let villages = ["330106001201", "330106001202", "330106002201", "330106002202"]
    static let codes = [county] + townships + villages
    static let items = ["000105003000", "000105001000", "000120017000", "000101201000", "000105012000"]
    static let applicants = ["11010519491231002X", "440524188001010014", "330106195601010013", "330106196203150023", "330106197011200035"]

    /// Edges child → parent, villages first.
    static let edges: [(child: String, parent: String)] = villages.map { ($0, String($0.prefix(9))) } + townships.map { ($0, county) }

    let root: String
    var nodes: [String: NodeStore] = [:]
    var random: SeededRandom
    var millis: Int64 = 1_795_000_000_000
    /// Per node: a clock a little off the others' (within the allowed skew), so HLC order is not wall order.
    var skew: [String: Int64] = [:]
    /// Per node: the changes it holds, in its storage order, and their ids.
    var log: [String: [Change]] = [:]
    var held: [String: Set<ChangeID>] = [:]
    var lastLSN: [String: Int64] = [:]
    /// Every change any node made.
    var made: Set<ChangeID> = []
    var cases: [String] = []
    /// Per node and entity: every party named by any change of it the node holds.
    var everParties: [String: [String: Set<String>]] = [:]
    /// Per node: the cases whose acceptance it holds, in the order it got them.
    var known: [String: [String]] = [:]
    var partitioned: Set<Int> = []
    var operations = (tried: 0, made: 0)
    /// Why operations were refused at the node making them, by code.
    var refusals: [String: Int] = [:]

    init(seed: UInt64) throws {
        random = SeededRandom(seed: seed)
        let template = try Self.template()
        root = Self.scratch + "/liandong-conv-\(getpid())-\(seed)"
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.copyItem(atPath: template.path, toPath: root)
        for code in Self.codes {
            skew[code] = Int64.random(in: -60_000...60_000, using: &random)
            nodes[code] = try NodeStore.open(directory: root + "/" + code, now: { [unowned self] in self.millis + (self.skew[code] ?? 0) })
            log[code] = template.log[code] ?? []
            held[code] = Set((log[code] ?? []).map { ChangeID(origin: $0.origin, seq: $0.seq) })
            lastLSN[code] = template.lastLSN[code] ?? 0
        }
    }

    deinit {
        nodes.removeAll()
        try? FileManager.default.removeItem(atPath: root)
    }

    var county: NodeStore { nodes[Self.county]! }

    // MARK: - The template: nodes made, keyed, trusting each other, catalog and calendar everywhere; copied per schedule.

    struct Template {
        var path: String
        var log: [String: [Change]]
        var lastLSN: [String: Int64]
    }

    nonisolated(unsafe) static var made: Template?

    /// tmpfs when there is one: real SQLite files, without a disk's fsync in every commit.
    static let scratch: String = {
        let shm = "/dev/shm"
        if FileManager.default.isWritableFile(atPath: shm) { return shm }
        return FileManager.default.temporaryDirectory.path
    }()

    static var examples: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Deploy/examples").path
    }

    static func template() throws -> Template {
        if let made { return made }
        let path = scratch + "/liandong-conv-template-\(getpid())"
        try? FileManager.default.removeItem(atPath: path)
        let clock: Int64 = 1_794_000_000_000
        var stores: [String: NodeStore] = [:]
        for code in codes {
            let role: Role = code.count == 6 ? .county : code.count == 9 ? .township : .village
            stores[code] = try NodeStore.initialize(directory: path + "/" + code, role: role, code: code, name: code, now: { clock })
        }
        for (code, node) in stores {
            for (other, peer) in stores where other != code {
                try node.trust(code: other, role: peer.identity.role, name: other, publicKey: peer.identity.publicKey)
            }
        }
        let county = stores[Self.county]!
        try county.importCatalog(try JSONParser.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: examples + "/catalog.json")))), actor: "admin")
        try county.setCalendarYear(try JSONParser.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: examples + "/calendar-2026.json")))), actor: "admin")
        // 好差评: an unrated delivered case takes the default rating the next day, so that schedules apply some.
        try county.setEvaluationSettings(EvaluationSettings(defaultAfterDays: 1, defaultLevel: .satisfied, followUpWorkingDays: 5), actor: "admin")
        let published = try county.changes(afterLSN: 0, limit: 1_000).map(\.change)
        var log: [String: [Change]] = [:]
        var lastLSN: [String: Int64] = [:]
        for (code, node) in stores {
            if code != Self.county { _ = try node.ingest(published, from: Self.county) }
            let rows = try node.changes(afterLSN: 0, limit: 1_000)
            log[code] = rows.map(\.change)
            lastLSN[code] = rows.last?.lsn ?? 0
        }
        stores.removeAll()
        let template = Template(path: path, log: log, lastLSN: lastLSN)
        made = template
        return template
    }

    static func removeTemplate() {
        if let made { try? FileManager.default.removeItem(atPath: made.path) }
        made = nil
    }

    // MARK: - Exchange

    /// Reads what a node stored since last time into the mirror.
    func refresh(_ code: String) throws {
        guard let node = nodes[code] else { return }
        let rows = try node.changes(afterLSN: lastLSN[code] ?? 0, limit: 100_000)
        for (lsn, change) in rows {
            log[code, default: []].append(change)
            held[code, default: []].insert(ChangeID(origin: change.origin, seq: change.seq))
            if change.origin == code { made.insert(ChangeID(origin: change.origin, seq: change.seq)) }
            if change.kind == CaseAction.accept.kind || change.kind == CaseAction.refuse.kind { known[code, default: []].append(change.entity) }
            if change.entity != EntityName.everyone, !change.parties.contains(EntityName.everyone) {
                everParties[code, default: [:]][change.entity, default: []].formUnion(change.parties)
            }
            lastLSN[code] = lsn
        }
    }

    /// Whether a change goes down to `child`: routed to everyone, or its entity has had, in any
    /// change the parent holds, a party in the child's subtree. Parties are sticky: a node that was
    /// ever a party of a case (a transfer named it, even one the order later refused) keeps getting
    /// the case's changes, and a node that becomes a party gets the whole history.
    func routes(_ change: Change, to child: String, at parent: String) -> Bool {
        (change.parties + (everParties[parent]?[change.entity] ?? [])).contains {
            $0 == EntityName.everyone || NodeCode.isAncestorOrSelf(child, of: $0)
        }
    }

    /// Delivers from `from` to `to` what `to` lacks (and may hold), shuffled, with duplicates; only
    /// a random part of it when `partial`. Returns how many changes were new to `to`.
    @discardableResult
    func deliver(from: String, to: String, partial: Bool) throws -> Int {
        guard let target = nodes[to] else { return 0 }
        let down = to.count > from.count
        let have = held[to] ?? []
        var missing: [Change] = []
        for change in log[from] ?? [] where !have.contains(ChangeID(origin: change.origin, seq: change.seq)) {
            if down, !routes(change, to: to, at: from) { continue }
            missing.append(change)
        }
        if partial { missing = missing.filter { _ in Int.random(in: 0..<3, using: &random) != 0 } }
        let fresh = missing.count
        missing.shuffle(using: &random)
        if let echo = missing.randomElement(using: &random) { missing.insert(echo, at: Int.random(in: 0...missing.count, using: &random)) }
        if partial, let old = log[from]?.randomElement(using: &random), have.contains(ChangeID(origin: old.origin, seq: old.seq)) {
            missing.append(old)
        }
        guard !missing.isEmpty else { return 0 }
        _ = try target.ingest(missing, from: from)
        try refresh(to)
        return fresh
    }

    /// Heals every partition and exchanges along every edge, up then down, until nothing moves.
    func fullExchange() throws {
        partitioned.removeAll()
        for _ in 0..<6 {
            var moved = 0
            for edge in Self.edges { moved += try deliver(from: edge.child, to: edge.parent, partial: false) }
            for edge in Self.edges.reversed() { moved += try deliver(from: edge.parent, to: edge.child, partial: false) }
            if moved == 0 { return }
        }
    }

    func tick() { millis += Int64.random(in: 1_000...5_400_000, using: &random) }

    // MARK: - Workload

    /// One operation at a random node, chosen from what is valid for the state that node sees.
    func randomOperation() throws {
        tick()
        let code = Self.codes.randomElement(using: &random)!
        guard let node = nodes[code] else { return }
        operations.tried += 1
        let roll = Int.random(in: 0..<100, using: &random)
        do {
            if roll < 16 || (known[code] ?? []).isEmpty {
                try accept(at: node)
            } else if roll < 18, node.identity.role == .county {
                try publishNewVersion(at: node)
            } else if roll < 22 {
                try resolveSomething(at: node)
            } else if roll < 23, node.identity.role == .county {
                try node.setEvaluationSettings(EvaluationSettings(
                    defaultAfterDays: 1, defaultLevel: EvaluationLevel(rawValue: Int.random(in: 1...3, using: &random)) ?? .satisfied,
                    followUpWorkingDays: Int.random(in: 1...10, using: &random)), actor: "县管理员")
            } else if roll < 25 {
                try issueNotice(at: node)
            } else if roll < 28 {
                notices.defaultRatings += try node.applyDefaultRatings().count
            } else if roll < 30, node.identity.role == .county {
                try rehandleSomething(at: node)
            } else {
                try act(at: node, anyAction: roll >= 97)
            }
            operations.made += 1
        } catch let error as CaseError {
            refusals[error.code, default: 0] += 1
        } catch let error as StoreError where error.code != "internal" {
            refusals[error.code, default: 0] += 1
        }
        try refresh(code)
    }

    /// One-time notices (一次性告知) made, and default ratings applied, by this schedule.
    var notices = (made: 0, defaultRatings: 0)

    /// An application missing materials: the one-time notice instead of an acceptance.
    func issueNotice(at node: NodeStore) throws {
        let code = Self.items.randomElement(using: &random)!
        guard let item = try node.item(code: code), item.acceptAt.contains(node.identity.role), item.materials.contains(where: \.required) else { return }
        let applicant = Applicant(name: "村民", idNumber: Self.applicants.randomElement(using: &random)!, phone: "13812345678")
        _ = try node.issueOneTimeNotice(AcceptRequest(itemCode: code, applicant: applicant, materials: [], actor: "窗口"), note: nil)
        notices.made += 1
    }

    /// The county orders a refused or denied case it holds handled again (否定备案).
    func rehandleSomething(at node: NodeStore) throws {
        var candidates: [CaseState] = []
        for number in (known[node.identity.code] ?? []).suffix(40) {
            if let state = try node.caseState(number), CaseAction.allowed(for: state).contains(.rehandle) { candidates.append(state) }
        }
        guard let state = candidates.randomElement(using: &random) else { return }
        try node.act(on: state.number, .rehandle, payload: ["reason": "复核后责令重新办理"], actor: "督查")
    }

    func accept(at node: NodeStore) throws {
        let code = Self.items.randomElement(using: &random)!
        guard let item = try node.item(code: code), item.acceptAt.contains(node.identity.role) else { return }
        var materials = item.materials.filter(\.required).map(\.id)
        var tolerate = false
        if item.toleratedMissing, materials.count > 1, Int.random(in: 0..<5, using: &random) == 0 {
            materials.removeLast()
            tolerate = true
        }
        let refuse = Int.random(in: 0..<12, using: &random) == 0
        let applicant = Applicant(name: "村民", idNumber: Self.applicants.randomElement(using: &random)!, phone: "13812345678")
        var request = AcceptRequest(itemCode: code, applicant: applicant, materials: materials, actor: "窗口")
        request.tolerateMissing = tolerate
        if refuse { request.refusalReasons = ["不属于本事项受理范围"] }
        if Int.random(in: 0..<4, using: &random) == 0, node.identity.role == .village {
            request.collectAt = String(node.identity.code.prefix(9))
        }
        let state = try node.acceptCase(request)
        cases.append(state.number)
    }

    /// The county publishes a new version of an item (a changed promised limit): cases accepted
    /// under the old one by a node that had not yet received it keep their version.
    func publishNewVersion(at node: NodeStore) throws {
        guard var item = try node.item(code: Self.items.randomElement(using: &random)!) else { return }
        item.version += 1
        item.promisedLimit = TimeLimit(days: Int.random(in: 1...max(1, item.legalLimit.days), using: &random), unit: item.legalLimit.unit)
        try node.record(ChangeDraft(actor: "admin", entity: EntityName.item(item.code), kind: CatalogKind.itemPublished, payload: item.json))
    }

    func resolveSomething(at node: NodeStore) throws {
        let open = try node.conflicts(all: false).filter {
            $0.rule != ConflictRule.historyPending.rawValue && NodeCode.isAncestorOrSelf(node.identity.code, of: $0.resolver)
                && !($0.detail["cases"]?.arrayValue ?? []).isEmpty
        }
        guard let conflict = open.randomElement(using: &random) else { return }
        var keep: String?
        if conflict.rule == ConflictRule.fieldLastWriter.rawValue {
            keep = ["winner", "loser", nil].randomElement(using: &random)!
        } else if conflict.rule == ConflictRule.possibleDuplicate.rawValue, Bool.random(using: &random) {
            keep = conflict.detail["cases"]?.arrayValue?.randomElement(using: &random)?.stringValue
        }
        try node.resolveConflict(conflict.id, note: "已核实", keep: keep, actor: "督查")
    }

    func act(at node: NodeStore, anyAction: Bool) throws {
        let code = node.identity.code
        var mine: [CaseState] = []
        for number in (known[code] ?? []).suffix(12) {
            if let state = try node.caseState(number) { mine.append(state) }
        }
        // Mostly the cases still in progress: that is where the tiers meet.
        let open = mine.filter { $0.status.isOpen || $0.status == .approved || $0.status == .resultReady }
        guard let state = (open.isEmpty || Int.random(in: 0..<5, using: &random) == 0 ? mine : open).randomElement(using: &random) else { return }
        let candidates = CaseAction.allCases.filter { action in
            guard action != .accept, action != .refuse else { return false }
            if anyAction { return true }
            guard action.allowedFrom.contains(state.status) else { return false }
            return (try? CaseReducer.authorize(action, origin: code, state: state)) != nil
        }
        guard let action = candidates.randomElement(using: &random) else { return }
        let after: CaseState
        if action == .attach {
            // A real file, so that verify finds it where it was attached; four distinct files, often the same one twice.
            let material = state.item.materials.map(\.id).randomElement(using: &random)!
            let path = NSTemporaryDirectory() + "liandong-convergence-scan-\(UUID().uuidString).jpg"
            try Data([0xFF, 0xD8, 0xFF, 0xE0, UInt8.random(in: 0...3, using: &random)]).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            after = try node.attachFile(path, to: state.number, material: material, actor: "staff", fileName: "scan.jpg")
        } else {
            after = try node.act(on: state.number, action, payload: payload(for: action, state: state, at: code), actor: "staff")
        }
        // A decider that takes the material itself often decides at once, racing the village's own supplement.
        if action == .recordSupplement, after.decider == code, after.holder == code, Bool.random(using: &random) {
            try node.act(on: state.number, .approve, payload: payload(for: .approve, state: after, at: code), actor: "staff")
        }
    }

    func payload(for action: CaseAction, state: CaseState, at code: String) -> JSONValue {
        let materials = state.item.materials.map(\.id)
        switch action {
        case .requestSupplement:
            return ["materials": .strings(Array(materials.shuffled(using: &random).prefix(Int.random(in: 1...2, using: &random))))]
        case .recordSupplement:
            var wanted = state.supplement?.materials ?? [materials.randomElement(using: &random)!]
            if wanted.count > 1, Bool.random(using: &random) { wanted.removeLast() }
            // Often a material not yet on file too (an optional one): late, it is merged, never dropped.
            let absent = materials.filter { !state.materials.contains($0) }
            if Bool.random(using: &random), let extra = (absent.isEmpty ? materials : absent).randomElement(using: &random) { wanted.append(extra) }
            return ["materials": .strings(Array(Set(wanted)).sorted())]
        case .review: return ["opinion": "材料齐全"]
        case .forward: return [:]
        case .approve: return ["opinion": "符合条件"]
        case .deny: return ["reasons": ["不符合条件"]]
        case .issue: return ["documentNumber": .string("西民〔2026〕\(Int.random(in: 1...999, using: &random))号")]
        case .deliver:
            return Bool.random(using: &random) ? ["method": "collected"] : ["method": "mailed", "trackingNumber": .string("SF\(Int.random(in: 100_000...999_999, using: &random))")]
        case .evaluate: return ["level": .int(Int64.random(in: 1...5, using: &random))]
        case .closeFollowUp: return ["result": "已回访整改"]
        case .withdraw: return ["reason": "申请人撤回"]
        case .extend: return ["reason": "需要核查", "days": 10]
        case .startSpecialProcedure: return ["procedure": "inspection", "reason": "需要检验"]
        case .endSpecialProcedure: return ["result": "检验完成"]
        case .transfer:
            let target = Self.codes.filter { $0 != state.holder && $0 != code }.randomElement(using: &random)!
            return ["to": .string(target), "reason": "属地调整"]
        case .updateContact:
            if Int.random(in: 0..<3, using: &random) == 0 { return ["address": .string("某村 \(Int.random(in: 1...9, using: &random)) 组")] }
            return ["phone": .string("1390000\(Int.random(in: 1000...9999, using: &random))")]
        case .rehandle: return ["reason": "复核后责令重新办理"]
        case .accept, .refuse, .attach: return [:]
        }
    }

    /// A schedule: random operations interleaved with random partial exchanges along random edges,
    /// partitions that come and go, then a full heal.
    func runSchedule(operations count: Int) throws {
        for index in 0..<count {
            try randomOperation()
            // Now and then a day passes and every serving node applies the default ratings due (what serve does).
            if index % 20 == 19 {
                millis += 86_400_000
                for code in Self.codes.shuffled(using: &random) {
                    guard let node = nodes[code] else { continue }
                    notices.defaultRatings += try node.applyDefaultRatings().count
                    try refresh(code)
                }
            }
            if Int.random(in: 0..<10, using: &random) == 0 {
                let edge = Int.random(in: 0..<Self.edges.count, using: &random)
                if partitioned.contains(edge) { partitioned.remove(edge) } else { partitioned.insert(edge) }
            }
            for _ in 0..<Int.random(in: 0...2, using: &random) {
                let index = Int.random(in: 0..<Self.edges.count, using: &random)
                guard !partitioned.contains(index) else { continue }
                let edge = Self.edges[index]
                let up = Bool.random(using: &random)
                try deliver(from: up ? edge.child : edge.parent, to: up ? edge.parent : edge.child, partial: Bool.random(using: &random))
            }
        }
        try fullExchange()
    }
}
