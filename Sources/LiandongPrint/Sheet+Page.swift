import LiandongDomain

/// The page around a document's body: heading, case box with the QR code, closing with the seal
/// box, footer; and the print stylesheet that sizes it for one A4 sheet.
extension Sheet {
    func page() throws(PrintError) -> String {
        let number = PrintedNumber.resolve(kind: kind, request: request)
        var out = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        out += "<title>\(HTML.escape(title)) \(HTML.escape(number.text))</title>"
        out += "<style>\(Sheet.stylesheet)</style></head>\n<body>\n"
        out += "<article class=\"sheet \(kind.slug)\" data-document=\"\(kind.slug)\">\n<header>"
        out += "<div class=\"issuer\">\(HTML.escape(issuer))</div><h1>\(HTML.escape(title))</h1>"
        if let subtitle { out += "<div class=\"subtitle\">\(HTML.escape(subtitle))</div>" }
        out += "<div class=\"docno\">文书编号：<span class=\"number\">\(HTML.escape(number.text))</span>"
        if number.isDerived {
            let source = request.state == nil ? "由节点编码和打印时间生成" : "由办件编号生成"
            out += "<span class=\"derived\">（\(source)）</span>"
        }
        out += "</div></header>\n"
        out += try caseBox()
        out += "<main>\n\(html)</main>\n"
        out += "<section class=\"closing\"><div class=\"seal\" aria-label=\"印章\">（印章）</div>"
        out += "<div class=\"signer\"><div>\(HTML.escape(issuer))</div>"
        out += "<div class=\"date\">\(HTML.escape(signedOn?.chinese ?? "　　　　年　　月　　日"))</div></div></section>\n"
        let printed = PrintTime(epochMillis: request.printedAt).text
        out += "<footer>打印单位：\(HTML.escape(request.node.fullName))（\(HTML.escape(request.node.code))）　打印时间：\(printed)"
        out += kind.isApplicantCopy ? "　本文书交申请人收执" : "　本回证存档"
        out += "</footer>\n</article>\n</body></html>\n"
        return out
    }

    /// The case number, query code and QR code of the citizens' status page; an application that was
    /// not accepted has none of them, and the box says so.
    private func caseBox() throws(PrintError) -> String {
        guard let state = request.state else {
            return "<section class=\"case-box\"><table class=\"ids\"><tr><th>办件编号</th><td>未受理，不生成办件编号</td></tr>"
                + "<tr><th>查询码</th><td>无</td></tr></table><div class=\"qr-none\">未受理的申请没有查询二维码</div></section>\n"
        }
        let url = PrintedDocument.publicStatusURL(base: request.publicBase, number: state.number, code: state.queryCode)
        let qr: QRCode
        do {
            qr = try QRCode(encoding: url)
        } catch {
            throw PrintError.qrCode(error)
        }
        var out = "<section class=\"case-box\"><table class=\"ids\">"
        out += "<tr><th>办件编号</th><td class=\"case-number\">\(HTML.escape(state.number))</td></tr>"
        out += "<tr><th>查询码</th><td class=\"query-code\">\(HTML.escape(state.queryCode))</td></tr>"
        out += "<tr><th>查询网址</th><td class=\"url\">\(HTML.escape(url))</td></tr></table>"
        out += "<figure class=\"qr-figure\">\(qr.svg(sizeMillimetres: 26, label: "办件查询二维码"))<figcaption>扫码查询办理进度</figcaption></figure>"
        out += "</section>\n"
        return out
    }

    /// One A4 sheet: 210 × 297 mm less the margins. Fonts are whatever the PC has (Noto CJK from
    /// fonts-noto-cjk on Debian, SimSun/SimHei on Windows): no font file is fetched.
    static let stylesheet = """
        @page{size:A4;margin:16mm 18mm 14mm 18mm}
        *{box-sizing:border-box}
        html{font-family:"Noto Serif CJK SC","Source Han Serif SC","SimSun","Songti SC",serif;font-size:10.5pt;line-height:1.45;color:#000;background:#fff}
        body{margin:0}
        .sheet{width:174mm;margin:0 auto}
        @media screen{html{background:#e8e8e8}.sheet{width:210mm;min-height:297mm;padding:16mm 18mm 14mm;margin:8mm auto;background:#fff;box-shadow:0 0 3mm rgba(0,0,0,.25)}}
        header{text-align:center}
        .issuer{font-size:14pt;letter-spacing:.1em}
        h1{font-family:"Noto Sans CJK SC","Source Han Sans SC","SimHei","Heiti SC",sans-serif;font-size:20pt;letter-spacing:.15em;margin:1mm 0 0}
        .subtitle{font-size:12pt}
        .docno{text-align:right;font-size:10pt;margin:2mm 0}
        .derived{font-size:8.5pt;color:#444}
        .case-box{display:flex;align-items:center;justify-content:space-between;border:.3mm solid #000;padding:2mm 3mm;margin:2mm 0 3mm;break-inside:avoid}
        .case-box .ids th{text-align:left;font-weight:normal;padding-right:3mm;white-space:nowrap;vertical-align:top}
        .case-box .ids td{font-family:"Noto Sans Mono CJK SC","DejaVu Sans Mono",monospace;font-size:10.5pt;word-break:break-all}
        .case-box .ids td.url{font-size:8pt}
        .case-number,.query-code{font-weight:bold;font-size:12pt}
        .qr-figure{margin:0 0 0 3mm;text-align:center;font-size:8pt}
        .qr-figure svg{display:block}
        .qr-none{font-size:9pt;color:#444}
        main p{margin:1.5mm 0;text-indent:2em}
        main p.salutation{text-indent:0;margin-top:2mm}
        main p.rights{font-weight:bold}
        main p.note,main p.remark{text-indent:0;font-size:9.5pt}
        ol.items{margin:1mm 0 2mm 8mm;padding-left:4mm}
        table{border-collapse:collapse}
        table.facts,table.materials{width:100%;margin:2mm 0;break-inside:avoid}
        table.facts th,table.facts td,table.materials th,table.materials td{border:.25mm solid #000;padding:.8mm 2mm;vertical-align:top}
        table.facts th{width:24mm;text-align:left;font-weight:normal;white-space:nowrap}
        table.facts td{word-break:break-all}
        table.materials caption{text-align:left;font-weight:bold;padding:.5mm 0}
        table.materials th{font-weight:normal;white-space:nowrap}
        table.materials td:first-child{text-align:center;width:10mm}
        .sign{display:flex;align-items:stretch;border:.25mm solid #000;border-top:none;break-inside:avoid}
        .sign:first-of-type{border-top:.25mm solid #000}
        .sign span{width:52mm;padding:1mm 2mm;border-right:.25mm solid #000}
        .sign-space{flex:1;height:14mm}
        .closing{position:relative;display:flex;justify-content:flex-end;align-items:center;margin-top:3mm;min-height:34mm;break-inside:avoid}
        .seal{position:absolute;right:8mm;top:0;width:34mm;height:34mm;border:.4mm dashed #888;border-radius:50%;display:flex;align-items:center;justify-content:center;color:#888;font-size:9pt}
        .signer{position:relative;text-align:center;margin-right:4mm;font-size:11pt;line-height:2}
        footer{margin-top:4mm;padding-top:1.5mm;border-top:.2mm solid #000;font-size:8.5pt;color:#222}
        """
}
