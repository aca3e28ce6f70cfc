import LiandongDomain

/// PrintedDocumentKind is one of the written documents a window hands out or keeps (DESIGN §9,
/// issue 9 item 6). The raw value is a stable URL slug (`/cases/{n}/print/acceptance-notice`)
/// and the `--document` value of `liandong case print`.
public enum PrintedDocumentKind: String, CaseIterable, Sendable {
    /// 受理通知书（受理回执）: written proof of acceptance, dated and sealed (行政许可法 art. 32).
    case acceptanceNotice = "acceptance-notice"
    /// 一次性告知书: every missing material at once (行政许可法 art. 32 para. 1 (4)).
    case oneTimeNotice = "one-time-notice"
    /// 不予受理通知书: all reasons in writing, and the applicant's remedies.
    case refusalNotice = "refusal-notice"
    /// 补正告知书: materials asked for after acceptance, and what it does to the clock.
    case supplementNotice = "supplement-notice"
    /// 准予/不予行政许可决定书, or 办理结果通知书 for an item that is not a licence (art. 38, 39).
    case decision = "decision"
    /// 送达回证: proof of delivery of the result, signed by the recipient.
    case deliveryReceipt = "delivery-receipt"

    /// The stable slug (URLs, CLI `--document`).
    public var slug: String { rawValue }

    public init?(slug: String) { self.init(rawValue: slug) }

    /// The generic Chinese title; the decision's actual title depends on the case (`title(for:)`).
    public var title: String {
        switch self {
        case .acceptanceNotice: return "受理通知书"
        case .oneTimeNotice: return "一次性告知书"
        case .refusalNotice: return "不予受理通知书"
        case .supplementNotice: return "补正告知书"
        case .decision: return "行政许可决定书"
        case .deliveryReceipt: return "送达回证"
        }
    }

    /// The title printed for this case: a licence's decision is 准予/不予行政许可决定书, another item's
    /// is its 办理结果通知书.
    public func title(for state: CaseState?) -> String {
        guard self == .decision, let state else { return title }
        guard state.item.type == .administrativeLicense else { return "办理结果通知书" }
        return state.decision?.approved == false ? "不予行政许可决定书" : "准予行政许可决定书"
    }

    /// Two ASCII letters used in a derived document number (PrintedNumber.swift).
    var numberTag: String {
        switch self {
        case .acceptanceNotice: return "SL"
        case .oneTimeNotice: return "GZ"
        case .refusalNotice: return "BSL"
        case .supplementNotice: return "BZ"
        case .decision: return "JD"
        case .deliveryReceipt: return "SD"
        }
    }

    /// Whether the document goes to the applicant (their own copy shows their name and full ID
    /// number); the 送达回证 stays in the file and shows the ID masked (GB/T 35273).
    public var isApplicantCopy: Bool { self != .deliveryReceipt }

    /// The documents a case's state allows, in the order a case meets them:
    /// - 受理通知书 once accepted (never for a refused case);
    /// - 一次性告知书 when accepted under 容缺受理 with required materials still owed;
    /// - 不予受理通知书 only when refused;
    /// - 补正告知书 while a supplement request is open;
    /// - the decision once decided; 送达回证 once the result is issued (blank for signing) or delivered.
    public static func allowed(for state: CaseState) -> [PrintedDocumentKind] {
        allCases.filter { $0.isAllowed(for: state) }
    }

    public func isAllowed(for state: CaseState) -> Bool {
        switch self {
        case .acceptanceNotice: return state.status != .refused
        case .oneTimeNotice: return state.status != .refused && !state.toleratedMissing.isEmpty
        case .refusalNotice: return state.status == .refused
        case .supplementNotice: return state.status == .awaitingSupplement && state.supplement != nil
        case .decision: return state.decision != nil
        case .deliveryReceipt: return state.result != nil && (state.status == .resultReady || state.status == .delivered)
        }
    }
}
