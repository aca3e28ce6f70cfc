/// AppealRights is what a refusal (不予受理) or denial (不予许可) must tell the applicant: the right
/// to administrative reconsideration within 60 days of learning of it (行政复议法 art. 20) and to an
/// administrative lawsuit within 6 months (行政诉讼法 art. 46); 行政许可法 art. 38 requires the denial
/// to say so in writing.
public struct AppealRights: Hashable, Sendable {
    public var reconsiderationDays: Int
    public var litigationMonths: Int

    public static let statutory = AppealRights(reconsiderationDays: 60, litigationMonths: 6)

    /// The sentence printed on the document.
    public var text: String {
        "申请人如不服本决定，可以自收到本文书之日起\(Self.chinese(reconsiderationDays))日内依法申请行政复议，"
            + "或者自收到本文书之日起\(Self.chinese(litigationMonths))个月内依法向人民法院提起行政诉讼。"
    }

    public var json: JSONValue {
        ["reconsiderationDays": .int(Int64(reconsiderationDays)), "litigationMonths": .int(Int64(litigationMonths)), "text": .string(text)]
    }

    static func chinese(_ number: Int) -> String {
        let digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
        guard number >= 0, number < 100 else { return String(number) }
        if number < 10 { return digits[number] }
        let tens = number / 10, ones = number % 10
        return (tens == 1 ? "" : digits[tens]) + "十" + (ones == 0 ? "" : digits[ones])
    }
}

/// CaseDocument is one numbered document a case's changes issued: shown on the case and printed.
public struct CaseDocument: Hashable, Sendable {
    public var kind: DocumentKind
    public var number: String
    /// The node that issued it (the change's origin) and the date it bears.
    public var issuedBy: String
    public var issuedOn: LocalDate
    /// The change that issued it.
    public var changeKind: String
    /// Set on a refusal or denial.
    public var rights: AppealRights?

    public var json: JSONValue {
        ["kind": .string(kind.rawValue), "name": .string(kind.chineseName), "number": .string(number), "issuedBy": .string(issuedBy),
         "issuedOn": .string(issuedOn.iso), "changeKind": .string(changeKind), "rights": rights?.json ?? .null]
    }
}

extension CaseState {
    /// The latest document of a kind (a case may get several supplement notices).
    public func document(_ kind: DocumentKind) -> CaseDocument? {
        documents.last { $0.kind == kind }
    }
}
