// LiandongPrint renders the written documents of a case (办件文书) as complete, self-contained
// HTML pages sized for A4 paper: inline CSS, the QR code as inline SVG, no font file, script,
// image or request of any kind, so a village PC prints them with the link down.
//
// The whole public API (for the workbench and the CLI):
//
//     PrintedDocumentKind                       // .acceptanceNotice … .deliveryReceipt
//         .slug / init?(slug:)                  // stable: acceptance-notice, one-time-notice,
//                                               // refusal-notice, supplement-notice, decision,
//                                               // delivery-receipt
//         .title, .title(for: CaseState?)       // 受理通知书 …, 准予/不予行政许可决定书
//         .isApplicantCopy                      // shows the full name and ID number
//     PrintedDocument.kinds(allowedFor: CaseState) -> [PrintedDocumentKind]
//     PrintedDocument.kinds(allowedFor: PrintRequest.Subject) -> [PrintedDocumentKind]
//     PrintedDocument.render(PrintedDocumentKind, PrintRequest) throws(PrintError) -> String
//     PrintedDocument.publicStatusURL(base:number:code:) -> String
//     PrintRequest(subject: .existing(CaseView) | .unaccepted(UnacceptedApplication),
//                  node: PrintingNode(code:fullName:), nodeNames: [code: full name],
//                  publicBase: String, printedAt: epoch ms, documentNumber: String?,
//                  remedies: Remedies(reviewBody:court:))
//     PrintedNumber.resolve(kind:request:)    // the number printed; isDerived when the case's
//                                               // log has none yet
//     QRCode(encoding:level:) / .svg(sizeMillimetres:label:)   // libqrencode, via CQREncode
//
// Everything taken from a case goes through HTML.escape (internal: the workbench has its own). Nothing here does I/O: the caller loads
// the case and the node's names and writes or serves the string.
import LiandongDomain

/// PrintedDocument renders one printed document of a case as a complete HTML page.
public enum PrintedDocument {
    /// The documents a case's state allows (PrintedDocumentKind.allowed(for:)).
    public static func kinds(allowedFor state: CaseState) -> [PrintedDocumentKind] {
        PrintedDocumentKind.allowed(for: state)
    }

    /// For an application that was not accepted, only the one-time notice exists, and only when a
    /// required material is in fact missing.
    public static func kinds(allowedFor subject: PrintRequest.Subject) -> [PrintedDocumentKind] {
        switch subject {
        case .existing(let view): return kinds(allowedFor: view.state)
        case .unaccepted(let application):
            return application.owed.isEmpty ? [] : [.oneTimeNotice]
        }
    }

    /// The citizens' status page of a case: `{base}/public?number=…&code=…` (issue 9 item 5, 办件查询).
    public static func publicStatusURL(base: String, number: String, code: String) -> String {
        var trimmed = base
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return "\(trimmed)/public?number=\(HTML.queryValue(number))&code=\(HTML.queryValue(code))"
    }

    /// The document as one HTML page, or why it cannot be printed for this case.
    public static func render(_ kind: PrintedDocumentKind, _ request: PrintRequest) throws(PrintError) -> String {
        let allowed = kinds(allowedFor: request.subject)
        guard allowed.contains(kind) else {
            throw PrintError.notAllowed(kind: kind, status: request.state?.status, allowed: allowed)
        }
        let base = request.publicBase
        guard base.hasPrefix("http://") || base.hasPrefix("https://"), !base.contains(where: { $0 == " " || $0 == "\"" || $0 == "<" || $0 == ">" }) else {
            throw PrintError.invalidPublicBase(base)
        }
        var sheet = Sheet(kind: kind, request: request)
        switch (kind, request.subject) {
        case (.oneTimeNotice, .unaccepted(let application)):
            sheet.oneTimeNotice(application)
        case (_, .existing(let view)):
            switch kind {
            case .acceptanceNotice: sheet.acceptanceNotice(view)
            case .oneTimeNotice: sheet.oneTimeNotice(view)
            case .refusalNotice: sheet.refusalNotice(view)
            case .supplementNotice: sheet.supplementNotice(view)
            case .decision: sheet.decision(view)
            case .deliveryReceipt: sheet.deliveryReceipt(view)
            }
        default:
            throw PrintError.notAllowed(kind: kind, status: nil, allowed: allowed)
        }
        return try sheet.page()
    }
}

/// PrintError says why a document was not printed; `message` is for staff, `code` for machines.
public enum PrintError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The case's state does not allow this document (e.g. a decision before any decision).
    case notAllowed(kind: PrintedDocumentKind, status: CaseStatus?, allowed: [PrintedDocumentKind])
    case invalidPublicBase(String)
    case qrCode(QRCodeError)

    public var code: String {
        switch self {
        case .notAllowed: return "document_not_allowed"
        case .invalidPublicBase: return "invalid_public_base"
        case .qrCode(let error): return error.code
        }
    }

    public var message: String {
        switch self {
        case .notAllowed(let kind, let status, let allowed):
            let state = status.map { "办件状态为「\($0.chineseName)」，" } ?? "未受理的申请"
            let list = allowed.isEmpty ? "无" : allowed.map { "\($0.title)（\($0.slug)）" }.joined(separator: "、")
            return "\(state)不能打印\(kind.title)；可打印：\(list)"
        case .invalidPublicBase(let base):
            return "公开查询地址“\(base)”无效：应以 http:// 或 https:// 开头，且不含空格、引号或尖括号"
        case .qrCode(let error):
            return "无法生成二维码：\(error.description)"
        }
    }

    public var description: String { message }
}
