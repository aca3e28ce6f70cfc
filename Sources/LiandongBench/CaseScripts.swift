import LiandongDomain

/// CaseScript is one realistic case life at a county node, from the example catalog: the item,
/// what the applicant brings, and the workflow steps after acceptance, in order.
struct CaseScript {
    typealias Step = (action: CaseAction, payload: JSONValue, actor: String)

    let item: String
    let materials: [String]
    let tolerateMissing: Bool
    let steps: [Step]

    /// The changes a case of this script makes, acceptance included.
    var changeCount: Int { 1 + steps.count }

    static let window = "窗口-李"
    static let approver = "首席审批员-王"

    /// 最低生活保障: tolerated-missing acceptance, a two-part supplement, an extension, approval. 11 changes.
    static let subsistence = CaseScript(
        item: "000105001000", materials: ["application", "id_card", "household_register"], tolerateMissing: true,
        steps: [
            (.updateContact, ["phone": "13912345678"], window),
            (.review, ["opinion": "进入审查"], approver),
            (.requestSupplement, ["materials": ["income_statement", "property_statement", "verification_consent"], "note": "请一次补齐"], approver),
            (.recordSupplement, ["materials": ["income_statement", "property_statement"]], window),
            (.recordSupplement, ["materials": ["verification_consent"]], window),
            (.extend, ["days": 10, "reason": "需入户核查家庭经济状况"], "中心主任"),
            (.approve, ["opinion": "符合低保条件"], approver),
            (.issue, ["documentName": "最低生活保障证", "documentNumber": "西民低保〔2026〕118号"], window),
            (.deliver, ["method": "collected"], window),
            (.evaluate, ["level": 1, "comment": "一次告知，少跑腿"], window),
        ])

    /// 老年人优待证: an immediate item, a poor rating and its follow-up. 6 changes.
    static let elderCard = CaseScript(
        item: "000120017000", materials: ["id_card", "photo"], tolerateMissing: false,
        steps: [
            (.approve, [:], window),
            (.issue, ["documentName": "老年人优待证"], window),
            (.deliver, ["method": "collected"], window),
            (.evaluate, ["level": 4, "comment": "排队时间长"], window),
            (.closeFollowUp, ["result": "已电话回访，增设老年人绿色通道"], "督查室"),
        ])

    /// 个体工商户设立登记: a supplement, then denial, a mailed notice and a poor rating. 9 changes.
    static let soleTrader = CaseScript(
        item: "000101201000", materials: ["application", "id_card", "premises_proof"], tolerateMissing: false,
        steps: [
            (.review, ["opinion": "核查经营场所"], approver),
            (.requestSupplement, ["materials": ["premises_proof"], "note": "请补充利害关系人同意证明"], approver),
            (.recordSupplement, ["materials": ["premises_proof"]], window),
            (.deny, ["reasons": ["经营场所为住宅，未取得利害关系人同意"]], approver),
            (.issue, [:], window),
            (.deliver, ["method": "mailed", "trackingNumber": "SF1402837465"], window),
            (.evaluate, ["level": 5, "comment": "不满意"], window),
            (.closeFollowUp, ["result": "已解释政策并告知复议途径"], "督查室"),
        ])

    /// 残疾人证: a special procedure (鉴定) that stops the clock, approval, a mailed certificate. 9 changes.
    static let disabilityCard = CaseScript(
        item: "000120130000", materials: ["id_card", "household_register", "photo", "disability_assessment"], tolerateMissing: false,
        steps: [
            (.review, [:], approver),
            (.startSpecialProcedure, ["procedure": "appraisal", "reason": "残疾等级评定"], approver),
            (.endSpecialProcedure, ["result": "评定为肢体三级"], approver),
            (.updateContact, ["address": "转塘街道某村 5 组"], window),
            (.approve, [:], approver),
            (.issue, ["documentNumber": "33010619600101001X43", "validUntil": "2036-12-31"], window),
            (.deliver, ["method": "mailed", "trackingNumber": "EMS1100223344"], window),
            (.evaluate, ["level": 2], window),
        ])

    /// 临时救助: a supplement only partly answered, then withdrawal. 5 changes.
    static let emergencyAid = CaseScript(
        item: "000105003000", materials: ["application", "id_card", "household_register"], tolerateMissing: true,
        steps: [
            (.review, [:], approver),
            (.requestSupplement, ["materials": ["hardship_proof", "medical_bills"]], approver),
            (.recordSupplement, ["materials": ["medical_bills"]], window),
            (.withdraw, ["reason": "申请人已获其他救助，主动撤回"], window),
        ])

    /// 城乡居民医保参保登记: immediate, done at the window. 5 changes.
    static let healthInsurance = CaseScript(
        item: "000120158000", materials: ["id_card", "household_register"], tolerateMissing: false,
        steps: [
            (.approve, [:], window),
            (.issue, [:], window),
            (.deliver, ["method": "collected"], window),
            (.evaluate, ["level": 1], window),
        ])

    /// The mix of ten cases that repeats: long promised cases dominate, as at a county hall (82 changes).
    static let mix: [CaseScript] = [
        subsistence, disabilityCard, soleTrader, elderCard, subsistence,
        healthInsurance, disabilityCard, emergencyAid, subsistence, elderCard,
    ]

    static let villageClerk = "村代办员-周"

    /// What a village can do alone (代办): accept, correct the contact, forward to the township;
    /// every decision is taken above it. 最低生活保障, decided by the county: 3 changes.
    static let subsistenceIntake = CaseScript(
        item: "000105001000", materials: ["application", "id_card", "household_register"], tolerateMissing: true,
        steps: [
            (.updateContact, ["phone": "13912345678"], villageClerk),
            (.forward, ["opinion": "村级初审：家庭情况属实，容缺材料由申请人补交"], villageClerk),
        ])

    /// 老年人优待证, decided by the township: accepted and forwarded. 2 changes.
    static let elderCardIntake = CaseScript(
        item: "000120017000", materials: ["id_card", "photo"], tolerateMissing: false,
        steps: [(.forward, [:], villageClerk)])

    /// 临时救助: tolerated-missing acceptance, a new address, forwarded. 3 changes.
    static let emergencyAidIntake = CaseScript(
        item: "000105003000", materials: ["application", "id_card", "household_register"], tolerateMissing: true,
        steps: [
            (.updateContact, ["address": "转塘街道某村 3 组 12 号"], villageClerk),
            (.forward, ["opinion": "因病致困，情况紧急"], villageClerk),
        ])

    /// 临时救助 withdrawn at the village before it is forwarded. 2 changes.
    static let emergencyAidWithdrawn = CaseScript(
        item: "000105003000", materials: ["application", "id_card", "household_register"], tolerateMissing: true,
        steps: [(.withdraw, ["reason": "申请人已获其他救助，主动撤回"], villageClerk)])

    /// 城乡居民医保参保登记: accepted and forwarded. 2 changes.
    static let healthInsuranceIntake = CaseScript(
        item: "000120158000", materials: ["id_card", "household_register"], tolerateMissing: false,
        steps: [(.forward, [:], villageClerk)])

    /// 农村村民宅基地申请: forwarded, then the applicant's phone changes. 3 changes.
    static let homesteadIntake = CaseScript(
        item: "000101105000", materials: ["application", "id_card", "household_register", "collective_resolution", "homestead_commitment"],
        tolerateMissing: false,
        steps: [
            (.forward, ["opinion": "村民代表会议已通过"], villageClerk),
            (.updateContact, ["phone": "13700001111"], villageClerk),
        ])

    /// 高龄津贴申领: accepted and forwarded. 2 changes.
    static let oldAgeAllowanceIntake = CaseScript(
        item: "000105012000", materials: ["id_card", "household_register", "bank_account"], tolerateMissing: false,
        steps: [(.forward, [:], villageClerk)])

    /// The ten cases a village service point repeats (26 changes): social assistance dominates.
    static let villageMix: [CaseScript] = [
        subsistenceIntake, elderCardIntake, emergencyAidIntake, subsistenceIntake, healthInsuranceIntake,
        homesteadIntake, subsistenceIntake, emergencyAidWithdrawn, oldAgeAllowanceIntake, emergencyAidIntake,
    ]

    /// The mix's item codes, for checking that the catalog holds them.
    static var itemCodes: Set<String> { Set(mix.map(\.item)) }
}

/// Applicants with valid GB 11643 numbers, so that the single-change path's validation passes.
enum BenchApplicant {
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
    static let given = ["桂英", "秀兰", "建国", "志强", "丽华", "海燕", "国平", "玉梅", "文斌", "春生"]

    /// Distinct ID numbers for the first 20,160,000 indexes (sequence, day, month and year read off the
    /// index as digits of one number): a county's applicants do not come back every few thousand
    /// cases, so possible-duplicate sets stay as small as a real county's while the store grows.
    static func make(_ index: Int) -> Applicant {
        let name = String(surnames[index % surnames.count]) + given[(index / surnames.count) % given.count]
        let sequence = index % 1000
        let day = 1 + (index / 1000) % 28
        let month = 1 + (index / 28_000) % 12
        let year = 1940 + (index / 336_000) % 60
        let body = "330106" + String(year) + two(month) + two(day) + three(sequence)
        let phone = "13" + String(800_000_000 + index % 100_000_000)
        return Applicant(name: name, idNumber: body + checkCharacter(body), phone: phone, address: "转塘街道某村 \(1 + index % 12) 组")
    }

    /// GB 11643-1999 check character: ISO 7064 MOD 11-2 over the first 17 digits.
    static func checkCharacter(_ digits: String) -> String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(digits.utf8, weights).reduce(0) { $0 + Int($1.0 - 0x30) * $1.1 }
        return String(Array("10X98765432")[sum % 11])
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    private static func three(_ n: Int) -> String { String(repeating: "0", count: 3 - String(n).count) + String(n) }
}
