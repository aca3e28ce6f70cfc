import Foundation
import LiandongDomain
import LiandongStore

/// ConflictHistories builds, with the store API, a county, a township and a village whose logs hold
/// one history per conflict rule: changes made apart and then exchanged through `ingest` (the path
/// the sync uses). The CLI is then run on these data directories. It is a test helper, not a way for
/// staff to move changes: until the sync runs, only tests move changes between nodes.
final class ConflictHistories {
    static let county = "330106"
    static let township = "330106001"
    static let village = "330106001201"
    static let relief = "000105003000"
    static let zhang = Applicant(name: "张桂英", idNumber: "11010519491231002X", phone: "13812345678")
    static let li = Applicant(name: "李大爷", idNumber: "440524188001010014", phone: "13812340000")

    let root: String
    var millis: Int64 = 1_790_557_200_000  // 2026-09-28 09:00 CST
    var nodes: [String: NodeStore] = [:]
    /// The case number of each rule's history.
    var cases: [String: String] = [:]

    init(root: String, examples: String) throws {
        self.root = root
        for (code, role) in [(Self.county, Role.county), (Self.township, .township), (Self.village, .village)] {
            nodes[code] = try NodeStore.initialize(directory: directory(code), role: role, code: code, name: code, now: { [unowned self] in self.millis })
        }
        for (code, node) in nodes {
            for (other, peer) in nodes where other != code {
                try node.trust(code: other, role: peer.identity.role, name: other, publicKey: peer.identity.publicKey)
            }
        }
        try county.importCatalog(try JSONParser.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: examples + "/catalog.json")))), actor: "admin")
        try exchange()
    }

    func directory(_ code: String) -> String { root + "/" + code }
    var county: NodeStore { nodes[Self.county]! }
    var township: NodeStore { nodes[Self.township]! }
    var village: NodeStore { nodes[Self.village]! }

    func tick() { millis += 60_000 }

    /// Sends what `to` lacks (down, only what is routed to its subtree), except what `skip` holds back.
    func send(_ from: String, _ to: String, except skip: (Change) -> Bool = { _ in false }) throws {
        guard let source = nodes[from], let target = nodes[to] else { return }
        let theirs = Set(try target.changes(afterLSN: 0, limit: 1_000_000).map { ChangeID(origin: $0.change.origin, seq: $0.change.seq) })
        let down = to.count > from.count
        let missing = try source.changes(afterLSN: 0, limit: 1_000_000).map(\.change).filter { change in
            if down, !change.parties.contains(where: { $0 == EntityName.everyone || NodeCode.isAncestorOrSelf(to, of: $0) }) { return false }
            return !skip(change) && !theirs.contains(ChangeID(origin: change.origin, seq: change.seq))
        }
        if !missing.isEmpty { _ = try target.ingest(missing, from: from) }
    }

    func exchange() throws {
        try send(Self.village, Self.township)
        try send(Self.township, Self.county)
        try send(Self.county, Self.township)
        try send(Self.township, Self.village)
    }

    private func forwarded(_ applicant: Applicant = ConflictHistories.zhang) throws -> String {
        let number = try village.acceptCase(AcceptRequest(itemCode: Self.relief, applicant: applicant,
                                                          materials: ["application", "id_card", "household_register", "hardship_proof"], actor: "代办员-赵")).number
        tick()
        try village.act(on: number, .forward, payload: [:], actor: "代办员-赵")
        try exchange()
        tick()
        return number
    }

    /// One history per rule; history_pending is left at the township (its acceptance held back).
    func build() throws {
        // decision_final: the township takes the material and approves; the village records it and a bill.
        var number = try forwarded()
        try township.act(on: number, .requestSupplement, payload: ["materials": ["hardship_proof"]], actor: "审批员-王")
        try exchange()
        tick()
        try township.act(on: number, .recordSupplement, payload: ["materials": ["hardship_proof"]], actor: "审批员-王")
        try township.act(on: number, .approve, payload: [:], actor: "审批员-王")
        tick()
        try village.act(on: number, .recordSupplement, payload: ["materials": ["hardship_proof", "medical_bills"]], actor: "代办员-赵")
        cases["decision_final"] = number

        // withdraw_vs_decision
        number = try forwarded(Self.li)
        try township.act(on: number, .approve, payload: [:], actor: "审批员-王")
        tick()
        try village.act(on: number, .withdraw, payload: ["reason": "申请人撤回"], actor: "代办员-赵")
        cases["withdraw_vs_decision"] = number

        // field_last_writer
        number = try forwarded(Applicant(name: "王奶奶", idNumber: "330106195601010013", phone: "13812340001"))
        try village.act(on: number, .updateContact, payload: ["phone": "13900001111"], actor: "代办员-赵")
        tick()
        try township.act(on: number, .updateContact, payload: ["phone": "13900002222"], actor: "审批员-王")
        cases["field_last_writer"] = number

        // material_add_only
        number = try forwarded(Applicant(name: "刘大叔", idNumber: "330106196203150023", phone: "13812340002"))
        try township.act(on: number, .requestSupplement, payload: ["materials": ["hardship_proof"]], actor: "审批员-王")
        try exchange()
        tick()
        try township.act(on: number, .recordSupplement, payload: ["materials": ["hardship_proof"]], actor: "审批员-王")
        tick()
        try village.act(on: number, .recordSupplement, payload: ["materials": ["hardship_proof", "medical_bills"]], actor: "代办员-赵")
        cases["material_add_only"] = number

        // possible_duplicate: the same applicant and item at the village and at the township.
        let duplicate = Applicant(name: "陈阿姨", idNumber: "330106197011200035", phone: "13812340003")
        number = try village.acceptCase(AcceptRequest(itemCode: Self.relief, applicant: duplicate,
                                                      materials: ["application", "id_card", "household_register", "hardship_proof"], actor: "代办员-赵")).number
        tick()
        _ = try township.acceptCase(AcceptRequest(itemCode: Self.relief, applicant: duplicate,
                                                  materials: ["application", "id_card", "household_register", "hardship_proof"], actor: "窗口-李"))
        cases["possible_duplicate"] = number

        // item_version_at_acceptance: the county publishes version 2; the village, cut off, accepts under version 1.
        try exchange()
        tick()
        guard var item = try county.item(code: Self.relief) else { return }
        item.version += 1
        item.promisedLimit = TimeLimit(days: 5, unit: .working)
        try county.record(ChangeDraft(actor: "admin", entity: EntityName.item(item.code), kind: CatalogKind.itemPublished, payload: item.json))
        tick()
        number = try village.acceptCase(AcceptRequest(itemCode: Self.relief, applicant: Applicant(name: "周伯", idNumber: "330106198510080044", phone: "13812340004"),
                                                      materials: ["application", "id_card", "household_register", "hardship_proof"], actor: "代办员-赵")).number
        cases["item_version_at_acceptance"] = number
        try exchange()

        // history_pending: the township gets a case's later changes, not its acceptance.
        tick()
        number = try village.acceptCase(AcceptRequest(itemCode: "000120017000", applicant: Self.li, materials: ["id_card", "photo"], actor: "代办员-赵")).number
        tick()
        try village.act(on: number, .updateContact, payload: ["phone": "13900005555"], actor: "代办员-赵")
        try send(Self.village, Self.township) { $0.kind == CaseAction.accept.kind && $0.entity == number }
        cases["history_pending"] = number
    }

    /// Closes every store, so that the binary is the only one using the databases.
    func close() { nodes.removeAll() }
}
