import LiandongDomain

/// Plain values for reducer tests: a county-decided item a village may accept, and a builder
/// that stamps changes the way the log would (increasing HLC per origin, seq per origin).
enum CaseFixtures {
    static let county = "330102"
    static let township = "330102001"
    static let village = "330102001201"
    static let otherTownship = "330102002"

    static func itemJSON(code: String = "SUBSIDY", decideAt: String = "county", acceptAt: [String] = ["village", "township", "county"],
                         kind: String = "promised", tolerated: Bool = true, pauses: Bool = true) -> JSONValue {
        [
            "code": .string(code), "name": "最低生活保障申请", "type": "administrative_payment", "kind": .string(kind),
            "acceptAt": .strings(acceptAt), "decideAt": .string(decideAt),
            "legalLimit": ["days": 30, "unit": "working"], "promisedLimit": ["days": 20, "unit": "working"],
            "materials": [
                ["id": "id_card", "name": "居民身份证", "required": true, "form": "original", "copies": 1],
                ["id": "household", "name": "户口簿", "required": true, "form": "copy", "copies": 1],
                ["id": "income", "name": "家庭收入证明", "required": true, "form": "original", "copies": 1],
                ["id": "photo", "name": "照片", "required": false, "form": "original", "copies": 2],
            ],
            "toleratedMissing": .bool(tolerated), "supplementPausesClock": .bool(pauses),
        ]
    }

    static let applicant: JSONValue = [
        "name": "张三", "idType": "resident_id", "idNumber": "11010519491231002X", "phone": "13812345678", "address": .null,
    ]

    /// A history under construction: each `make` call is one change at `origin`, later than all before.
    struct History {
        var number = "330102001201-20261109-0001"
        var clock: Int64 = 1_762_650_000_000  // 2025-11-09 09:00 CST area; dates only matter relative
        var seqs: [String: Int64] = [:]
        var changes: [Change] = []

        mutating func make(_ origin: String, _ action: CaseAction, _ payload: JSONValue = [:], dayOffset: Int64 = 0) -> Change {
            clock += 60_000 + dayOffset * 86_400_000
            let seq = (seqs[origin] ?? 0) + 1
            seqs[origin] = seq
            let change = Change(
                origin: origin, seq: seq, hlc: HLC(physicalMillis: clock, logical: 0), wall: clock, actor: "staff-\(origin.suffix(3))",
                entity: number, kind: action.kind, payload: payload, parties: [], prev: Change.zeroHash)
            changes.append(change)
            return change
        }

        mutating func acceptance(at origin: String = CaseFixtures.village, item: JSONValue = CaseFixtures.itemJSON(),
                                 materials: [String] = ["id_card", "household", "income"], tolerate: Bool = false) -> Change {
            make(origin, .accept, [
                "number": .string(number), "queryCode": "ABCD2345", "item": item, "applicant": CaseFixtures.applicant,
                "materials": .strings(materials), "tolerateMissing": .bool(tolerate),
            ])
        }
    }

    /// Folds changes in order, failing the test's expectation by throwing on the first refusal.
    static func fold(_ changes: [Change]) throws -> CaseState {
        var state: CaseState?
        for change in changes { state = try CaseReducer.apply(change, to: state) }
        guard let state else { throw CaseError.caseNotFound("none") }
        return state
    }
}
