import LiandongDomain
import LiandongPrint

/// Cases for the printing tests, made the way the log makes them: changes folded by CaseReducer.
struct PrintFixtures {
    static let county = "330127"
    static let township = "330127101"
    static let village = "330127101201"
    /// 2026-09-28 09:00 CST.
    static let monday: Int64 = 1_790_557_200_000
    static let hostileName = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>"

    static func item(type: String = "administrative_license", tolerated: Bool = true, pauses: Bool = true) -> JSONValue {
        [
            "code": "000101105000", "name": "农村村民宅基地申请", "type": .string(type), "kind": "promised",
            "acceptAt": ["village", "township", "county"], "decideAt": "township",
            "legalLimit": ["days": 20, "unit": "working"], "promisedLimit": ["days": 15, "unit": "working"],
            "legalBasis": "《中华人民共和国土地管理法》第六十二条", "resultName": "农村宅基地批准书",
            "materials": [
                ["id": "application", "name": "农村宅基地和建房（规划许可）申请表", "required": true, "form": "original", "copies": 1],
                ["id": "id_card", "name": "申请人居民身份证", "required": true, "form": "copy", "copies": 1],
                ["id": "household_register", "name": "户口簿", "required": true, "form": "copy", "copies": 1],
                ["id": "site_plan", "name": "宅基地坐落平面位置图", "required": true, "form": "original", "copies": 2],
                ["id": "photo", "name": "现场照片", "required": false, "form": "electronic", "copies": 1],
            ],
            "toleratedMissing": .bool(tolerated), "supplementPausesClock": .bool(pauses),
        ]
    }

    var number = "330127101201-20260928-0001"
    var clock = PrintFixtures.monday
    var seqs: [String: Int64] = [:]
    var changes: [Change] = []
    var name = "王建国"
    var idNumber = "11010519491231002X"

    mutating func add(_ origin: String, _ action: CaseAction, _ payload: JSONValue = [:], days: Int64 = 0) {
        clock += 60_000 + days * 86_400_000
        let seq = (seqs[origin] ?? 0) + 1
        seqs[origin] = seq
        changes.append(Change(
            origin: origin, seq: seq, hlc: HLC(physicalMillis: clock, logical: 0), wall: clock, actor: "agent-\(origin.suffix(3))",
            entity: number, kind: action.kind, payload: payload, parties: [], prev: Change.zeroHash))
    }

    mutating func accept(materials: [String] = ["application", "id_card", "household_register", "site_plan"], tolerate: Bool = false,
                         item: JSONValue = PrintFixtures.item(), refuse: [String] = []) {
        var payload: [String: JSONValue] = [
            "number": .string(number), "queryCode": "K7M2Q9XW", "item": item,
            "applicant": ["name": .string(name), "idType": "resident_id", "idNumber": .string(idNumber), "phone": "13812345678", "address": .null],
            "materials": .strings(materials), "tolerateMissing": .bool(tolerate),
        ]
        if !refuse.isEmpty { payload["reasons"] = .strings(refuse) }
        add(PrintFixtures.village, refuse.isEmpty ? .accept : .refuse, .object(payload))
    }

    func state() throws -> CaseState {
        var state: CaseState?
        for change in changes { state = try CaseReducer.apply(change, to: state) }
        guard let state else { throw CaseError.caseNotFound(number) }
        return state
    }

    func request(documentNumber: String? = nil, remedies: Remedies = Remedies()) throws -> PrintRequest {
        let view = CaseView(state: try state(), calendar: .weekdaysOnly, today: LocalDate(epochMillis: clock))
        return PrintRequest(
            subject: .existing(view), node: PrintingNode(code: PrintFixtures.village, fullName: "千岛湖镇青溪村便民服务代办点"),
            nodeNames: [PrintFixtures.township: "千岛湖镇便民服务中心", PrintFixtures.county: "淳安县政务服务中心"],
            publicBase: "https://zwfw.chunan.gov.cn/", printedAt: clock + 3_600_000, documentNumber: documentNumber, remedies: remedies)
    }

    /// An accepted case decided (approved or denied) at the township, its result issued.
    static func decided(approved: Bool, issued: Bool = true, delivered: Bool = false) throws -> PrintFixtures {
        var fixtures = PrintFixtures()
        fixtures.accept()
        fixtures.add(village, .forward, ["opinion": "材料齐全，同意上报"])
        if approved {
            fixtures.add(township, .approve, ["opinion": "符合一户一宅规定"], days: 2)
        } else {
            fixtures.add(township, .deny, ["reasons": ["申请人已有宅基地，不符合一户一宅规定", "选址位于永久基本农田"]], days: 2)
        }
        if issued {
            fixtures.add(township, .issue, approved ? ["documentNumber": "淳宅批〔2026〕17号", "validUntil": "2028-09-30"] : [:])
        }
        if delivered { fixtures.add(village, .deliver, ["method": "collected"], days: 1) }
        return fixtures
    }
}
