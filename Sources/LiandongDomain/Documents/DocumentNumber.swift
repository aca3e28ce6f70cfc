/// DocumentKind is a written notice or decision a node issues to an applicant, each numbered in
/// its own series (行政许可法 art. 32, 38: acceptance, refusal, supplement and decision are in writing).
public enum DocumentKind: String, Sendable, CaseIterable {
    /// 受理通知书.
    case acceptance
    /// 不予受理通知书.
    case refusal
    /// 补正告知书 (a supplement requested after acceptance).
    case supplement
    /// 准予/不予许可决定书.
    case decision
    /// 一次性告知书 (art. 32: everything missing, listed once, before acceptance).
    case oneTimeNotice = "one_time_notice"

    /// The series character of the number (…受〔2026〕7号).
    public var series: String {
        switch self {
        case .acceptance: return "受"
        case .refusal: return "不受"
        case .supplement: return "补"
        case .decision: return "决"
        case .oneTimeNotice: return "告"
        }
    }

    public var chineseName: String {
        switch self {
        case .acceptance: return "受理通知书"
        case .refusal: return "不予受理通知书"
        case .supplement: return "补正告知书"
        case .decision: return "许可决定书"
        case .oneTimeNotice: return "一次性告知书"
        }
    }

    /// The document a change of this kind issues, if any.
    public init?(changeKind: String) {
        switch changeKind {
        case CaseAction.accept.kind: self = .acceptance
        case CaseAction.refuse.kind: self = .refusal
        case CaseAction.requestSupplement.kind: self = .supplement
        case CaseAction.approve.kind, CaseAction.deny.kind: self = .decision
        case NoticeKind.oneTimeIssued: self = .oneTimeNotice
        default: return nil
        }
    }
}

/// DocumentNumber is a document's number (文号), unique without asking anyone: the issuing node's
/// code, the series, the year and a node-local sequence per series and year, e.g.
/// `330106109受〔2026〕7号`. The issuing node stamps it into the change payload when it records the
/// change, so it replicates with the change and every replica shows the same number.
public struct DocumentNumber: Hashable, Sendable, CustomStringConvertible {
    public var node: String
    public var kind: DocumentKind
    public var year: Int
    public var sequence: Int64

    public init(node: String, kind: DocumentKind, year: Int, sequence: Int64) {
        self.node = node
        self.kind = kind
        self.year = year
        self.sequence = sequence
    }

    public var description: String { "\(node)\(kind.series)〔\(year)〕\(sequence)号" }

    /// Reads a number back; nil when `text` is not exactly one this code would write.
    public init?(_ text: String) {
        let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
        guard NodeCode.role(of: String(digits)) != nil else { return nil }
        var rest = text.dropFirst(digits.count)
        guard let open = rest.firstIndex(of: "〔") else { return nil }
        guard let kind = DocumentKind.allCases.first(where: { $0.series == String(rest[..<open]) }) else { return nil }
        rest = rest[rest.index(after: open)...]
        guard let close = rest.firstIndex(of: "〕"), rest.last == "号" else { return nil }
        let yearText = rest[..<close]
        let sequenceText = rest[rest.index(after: close)..<rest.index(before: rest.endIndex)]
        guard yearText.count == 4, yearText.allSatisfy({ $0.isASCII && $0.isNumber }), let year = Int(yearText),
            !sequenceText.isEmpty, sequenceText.first != "0", sequenceText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let sequence = Int64(sequenceText)
        else { return nil }
        self.init(node: String(digits), kind: kind, year: year, sequence: sequence)
        guard description == text else { return nil }
    }

    /// Checks a number carried by a change: well formed, of the series the change issues, issued by
    /// the change's origin. Anything else is a forged or broken payload. The year is not compared with
    /// the change's wall clock: a change stamped again after a wrong clock (clock safety) keeps the
    /// number it was given.
    public static func check(_ text: String, change: Change, kind: DocumentKind, field: String = "payload.documentNumber") throws -> DocumentNumber {
        guard let number = DocumentNumber(text) else {
            throw CaseError.invalidPayload(field: field, reason: "文号 \(text) 格式不对，应如 \(change.origin)\(kind.series)〔\(change.wallDate.year)〕1号")
        }
        guard number.kind == kind else {
            throw CaseError.invalidPayload(field: field, reason: "文号 \(text) 不是\(kind.chineseName)的文号")
        }
        guard number.node == change.origin else {
            throw CaseError.invalidPayload(field: field, reason: "文号 \(text) 不是 \(change.origin) 编的号")
        }
        return number
    }
}
