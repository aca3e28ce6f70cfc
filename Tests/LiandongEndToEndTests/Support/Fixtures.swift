import Foundation

/// Item is a service item of Deploy/examples/catalog.json that a county node may accept, with the
/// facts the tests rely on (kept next to the code so that a changed example fails loudly).
struct Item: Sendable {
    let code: String
    let name: String
    let requiredMaterials: [String]

    /// 老年人优待证办理: immediate (即办件), decided by the township (the county decides it itself).
    static let seniorCard = Item(code: "000120017000", name: "老年人优待证办理", requiredMaterials: ["id_card", "photo"])
    /// 生育登记: immediate, tolerated-missing allowed.
    static let birthRegistration = Item(
        code: "000120110000", name: "生育登记", requiredMaterials: ["id_card", "household_register"])
    /// 最低生活保障申请: promised 20 working days, county decides, tolerated-missing, supplement pauses the clock.
    static let minimumLiving = Item(
        code: "000105001000", name: "最低生活保障申请",
        requiredMaterials: ["application", "id_card", "household_register", "income_statement", "property_statement", "verification_consent"])
    /// 临时救助申请: promised 10 working days, township decides, tolerated-missing, supplement pauses the clock.
    static let temporaryAssistance = Item(
        code: "000105003000", name: "临时救助申请",
        requiredMaterials: ["application", "id_card", "household_register", "hardship_proof"])
    /// 高龄津贴申领: promised 10 working days, township decides, supplement does not pause the clock.
    static let oldAgeAllowance = Item(
        code: "000105012000", name: "高龄津贴申领", requiredMaterials: ["id_card", "household_register", "bank_account"])
    /// 残疾人证办理: promised 15 working days, county decides, no tolerated-missing acceptance.
    static let disabilityCard = Item(
        code: "000120130000", name: "残疾人证办理",
        requiredMaterials: ["id_card", "household_register", "photo", "disability_assessment"])
    /// 个体工商户设立登记: promised 3 working days, county decides.
    static let soleProprietor = Item(
        code: "000101201000", name: "个体工商户设立登记", requiredMaterials: ["application", "id_card", "premises_proof"])
    /// 门牌号编制: accepted only by villages and townships.
    static let houseNumber = Item(code: "000120125000", name: "门牌号编制", requiredMaterials: ["application", "id_card", "property_proof"])

    static let exampleCount = 13
}

/// Applicants are valid resident ID numbers (GB 11643 check digits) and phones.
enum Applicants {
    static let name = "张秀英"
    /// The standard's published example.
    static let id = "11010519491231002X"
    static let phone = "13812345678"
    /// The same number with a wrong check digit.
    static let badCheckDigit = "110105194912310021"

    /// A valid ID number for a 17-digit body, with its ISO 7064 MOD 11-2 check character.
    static func id(_ body: String) -> String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let checks: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]
        let sum = zip(body.compactMap(\.wholeNumberValue), weights).reduce(0) { $0 + $1.0 * $1.1 }
        return body + String(checks[sum % 11])
    }
}

/// Moments in 2026 China Standard Time, as LIANDONG_NOW takes them.
enum Day {
    static func at(_ date: String, _ time: String = "09:00:00") -> String { "\(date)T\(time)+08:00" }
}
