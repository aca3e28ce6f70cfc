import LiandongDomain

/// PrintedNumber is the number a printed document carries (文书编号): the caller's, else the one the
/// case's changes recorded (the `documents` of the case state: 受理, 不予受理, 补正, 决定), else one
/// derived from the case number and the kind (`330127-20260928-0001-SL`), and then the page says so.
public struct PrintedNumber: Hashable, Sendable {
    public var text: String
    /// True when derived here rather than read from the case's log.
    public var isDerived: Bool

    public init(text: String, isDerived: Bool) {
        self.text = text
        self.isDerived = isDerived
    }

    /// The number to print: `recorded` when the caller has one, else a derivation.
    /// A case number is unique everywhere, so `{case number}-{tag}` is too; a supplement notice
    /// adds its round (`-BZ2`) because a case may have several.
    public static func resolve(kind: PrintedDocumentKind, request: PrintRequest) -> PrintedNumber {
        if let recorded = request.documentNumber, !recorded.isEmpty { return PrintedNumber(text: recorded, isDerived: false) }
        switch request.subject {
        case .existing(let view):
            let state = view.state
            if let recorded = recorded(kind, in: state) { return PrintedNumber(text: recorded, isDerived: false) }
            let round = kind == .supplementNotice && state.supplementRounds > 1 ? String(state.supplementRounds) : ""
            return PrintedNumber(text: "\(state.number)-\(kind.numberTag)\(round)", isDerived: true)
        case .unaccepted:
            // No case number exists: the node code and the print instant, to the second, stand in for it.
            return PrintedNumber(text: "\(request.node.code)-GZ-" + PrintTime(epochMillis: request.printedAt).compactStamp, isDerived: true)
        }
    }
}

extension PrintedNumber {
    /// The number the case's changes recorded for this document, read from the state's canonical
    /// JSON (`documents: [{kind, number}]`, latest last) so that printing follows whatever the log
    /// records without depending on how the state stores it. The 一次性告知书 of a 容缺 case and the
    /// 送达回证 have no series of their own.
    static func recorded(_ kind: PrintedDocumentKind, in state: CaseState) -> String? {
        let series: String
        switch kind {
        case .acceptanceNotice: series = "acceptance"
        case .refusalNotice: series = "refusal"
        case .supplementNotice: series = "supplement"
        case .decision: series = "decision"
        case .oneTimeNotice, .deliveryReceipt: return nil
        }
        guard let documents = state.json["documents"]?.arrayValue else { return nil }
        return documents.last { $0["kind"]?.stringValue == series }?["number"]?.stringValue
    }
}

/// PrintTime is an instant shown in China Standard Time (UTC+8), as documents print it.
struct PrintTime {
    let date: LocalDate
    let hour: Int
    let minute: Int
    let second: Int

    init(epochMillis: Int64) {
        date = LocalDate(epochMillis: epochMillis)
        let seconds = (epochMillis / 1000 + 8 * 3600) % 86_400
        let positive = seconds < 0 ? seconds + 86_400 : seconds
        hour = Int(positive / 3600)
        minute = Int(positive % 3600 / 60)
        second = Int(positive % 60)
    }

    private static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }

    /// `2026-09-28 09:00`.
    var text: String { "\(date.iso) \(PrintTime.two(hour)):\(PrintTime.two(minute))" }
    /// `20260928090000`.
    var compactStamp: String { date.compact + PrintTime.two(hour) + PrintTime.two(minute) + PrintTime.two(second) }
}

extension LocalDate {
    /// `2026年9月28日`, the date as an official document writes it.
    var chinese: String { "\(year)年\(month)月\(day)日" }
}
