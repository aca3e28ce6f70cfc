import LiandongDomain

/// Sheet collects the parts of one printed page (heading, facts, body, closing) and assembles them
/// into the HTML document. Every `String` parameter named `text` is plain text and is escaped here;
/// only the markup this file writes is trusted.
struct Sheet {
    let kind: PrintedDocumentKind
    let request: PrintRequest
    /// The body, already HTML.
    private(set) var html = ""
    /// The body issuing the document (its name heads the page and signs it under the seal).
    var issuer: String
    /// The date the document is signed with (the day of the act it records).
    var signedOn: LocalDate?
    var title: String
    var subtitle: String?

    init(kind: PrintedDocumentKind, request: PrintRequest) {
        self.kind = kind
        self.request = request
        self.issuer = request.node.fullName
        self.signedOn = PrintTime(epochMillis: request.printedAt).date
        self.title = kind.title(for: request.state)
    }

    // MARK: Building blocks

    mutating func salutation(_ applicant: Applicant) {
        html += "<p class=\"salutation\">\(HTML.escape(applicant.name))：</p>\n"
    }

    /// A paragraph of plain text.
    mutating func paragraph(_ text: String, cssClass: String? = nil) {
        html += "<p\(cssClass.map { " class=\"\($0)\"" } ?? "")>\(HTML.escape(text))</p>\n"
    }

    /// A numbered list of plain-text entries (every reason, every material: all at once).
    mutating func list(_ entries: [String], cssClass: String = "items") {
        html += "<ol class=\"\(cssClass)\">" + entries.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ol>\n"
    }

    /// A table of facts, two label–value pairs to a row so that a page stays one sheet; a long
    /// value takes a whole row. Labels and values are plain text.
    mutating func facts(_ rows: [(String, String)]) {
        html += "<table class=\"facts\">"
        var pending: (String, String)?
        func cell(_ pair: (String, String), span: Int) -> String {
            "<th>\(HTML.escape(pair.0))</th><td\(span > 1 ? " colspan=\"\(span)\"" : "")>\(HTML.escape(pair.1))</td>"
        }
        for row in rows {
            if Sheet.displayWidth(row.1) > 30 {
                if let half = pending { html += "<tr>" + cell(half, span: 3) + "</tr>" }
                pending = nil
                html += "<tr>" + cell(row, span: 3) + "</tr>"
            } else if let half = pending {
                html += "<tr>" + cell(half, span: 1) + cell(row, span: 1) + "</tr>"
                pending = nil
            } else {
                pending = row
            }
        }
        if let half = pending { html += "<tr>" + cell(half, span: 3) + "</tr>" }
        html += "</table>\n"
    }

    /// Width in half-width cells: a CJK character takes two. A half-row value cell holds about 30.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ($1.value < 0x1100 ? 1 : 2) }
    }

    /// A table of materials: name, form, copies, and a note per row.
    mutating func materials(_ rows: [(material: Material, note: String)], caption: String) {
        html += "<table class=\"materials\"><caption>\(HTML.escape(caption))</caption>"
        html += "<tr><th>序号</th><th>材料名称</th><th>形式</th><th>份数</th><th>说明</th></tr>"
        for (index, row) in rows.enumerated() {
            html += "<tr><td>\(index + 1)</td><td>\(HTML.escape(row.material.name))</td><td>\(row.material.form.chineseName)</td>"
            html += "<td>\(row.material.copies)</td><td>\(HTML.escape(row.note))</td></tr>"
        }
        html += "</table>\n"
    }

    /// A box left blank for a handwritten signature, with its label.
    mutating func signatureBox(_ label: String) {
        html += "<div class=\"sign\"><span>\(HTML.escape(label))</span><div class=\"sign-space\"></div></div>\n"
    }

    mutating func raw(_ trustedHTML: String) { html += trustedHTML }

    // MARK: Shared wording

    /// The rights sentence a refusal or denial must carry (行政许可法 art. 38 para. 2; 行政复议法
    /// 2023 art. 20: 60 days; 行政诉讼法 art. 46: 6 months, both from when the applicant knows of the act).
    mutating func remedies(act: String) {
        let review = request.remedies.reviewBody.map { "向\($0)" } ?? "依法"
        let court = request.remedies.court.map { "向\($0)" } ?? "依法向人民法院"
        paragraph(
            "如不服本\(act)，可以自收到本\(title)之日起六十日内\(review)申请行政复议，"
                + "或者自收到本\(title)之日起六个月内\(court)提起行政诉讼。",
            cssClass: "rights")
    }

    func name(of code: String) -> String { request.name(of: code) }

    /// The ID number as this document shows it: in full on the applicant's own copy, masked on a
    /// copy that stays in the file (GB/T 35273).
    func idNumber(_ applicant: Applicant) -> String {
        kind.isApplicantCopy ? applicant.idNumber : Masking.idNumber(applicant.idNumber)
    }

    static func idLabel(_ applicant: Applicant) -> String {
        applicant.idType == .residentID ? "公民身份号码" : "统一社会信用代码"
    }

    static func limitText(_ limit: TimeLimit) -> String {
        "\(limit.days) 个\(limit.unit == .working ? "工作日" : "自然日")"
    }

    /// The law an item's acceptance or refusal is given under: 行政许可法 for a licence, otherwise
    /// the item's own basis.
    static func basis(of item: ServiceItem) -> String {
        if item.type == .administrativeLicense { return "《中华人民共和国行政许可法》第三十二条" }
        return item.legalBasis ?? "政务服务有关规定"
    }
}
