import LiandongDomain
import LiandongPrint
import LiandongStore
import LiandongSync

extension Workbench {
    /// The print buttons of a case page: one per document its state allows (LiandongPrint), each
    /// opening the A4 page in a new window; every print is audited.
    func printButtons(_ context: WebContext, state: CaseState) -> String {
        guard context.can(.printDocument) else { return "" }
        let kinds = PrintedDocument.kinds(allowedFor: state)
        guard !kinds.isEmpty else { return "" }
        var out = "<h2>打印文书</h2><div class=\"panel noprint\" id=\"print\">"
        for kind in kinds {
            out += "<form method=\"get\" action=\"/cases/\(HTML.q(state.number))/print/\(kind.slug)\" target=\"_blank\" class=\"inline\">"
                + "<button type=\"submit\" class=\"secondary\">打印\(HTML.esc(kind.title(for: state)))</button></form>"
        }
        return out + "</div>"
    }

    /// The base of the public status URL a document's QR code points to: this node as the browser reached it.
    func publicBase(_ context: WebContext) -> String {
        (configuration.secure ? "https://" : "http://") + (context.request.headers["host"] ?? "127.0.0.1")
    }

    func printRequest(_ subject: PrintRequest.Subject, context: WebContext, store: NodeStore) throws -> PrintRequest {
        var names: [String: String] = [:]
        for entry in try store.registry() { names[entry.code] = entry.name }
        return PrintRequest(subject: subject, node: PrintingNode(code: store.identity.code, fullName: store.identity.name), nodeNames: names,
                            publicBase: publicBase(context), printedAt: store.now())
    }

    /// `GET /cases/{number}/print/{document}`: the document as a complete A4 HTML page (print CSS inside).
    func printCase(_ context: WebContext, number: String, slug: String) throws -> HTTPServerResponse {
        try require(.printDocument, context, target: number)
        guard let kind = PrintedDocumentKind(slug: slug) else { throw WebError.notFound(context.request.path) }
        return try writer.with { store in
            guard try store.caseState(number) != nil else { throw WebError.notFound(number) }
            let view = try store.caseView(number)
            let html: String
            do {
                html = try PrintedDocument.render(kind, try printRequest(.existing(view), context: context, store: store))
            } catch let error as PrintError {
                try audit(context, "print.\(slug)", target: number, outcome: "refused", detail: error.code, store: store)
                throw WebError.invalid(error.message)
            }
            try audit(context, "print.\(slug)", target: number, store: store)
            return printed(html)
        }
    }

    /// The one-time notice of an application that was not accepted, from the accept form's checklist.
    func printNotice(_ context: WebContext, item: ServiceItem, store: NodeStore) throws -> HTTPServerResponse {
        let form = context.form
        let applicant = Applicant(name: form["applicantName"] ?? "", idType: Applicant.IDType(rawValue: form["idType"] ?? "") ?? .residentID,
                                  idNumber: (form["applicantId"] ?? "").uppercased(), phone: form["phone"] ?? "", address: form["address"])
        let application = UnacceptedApplication(item: item, applicant: applicant, provided: Set(form.all("material")), on: store.today)
        let html: String
        do {
            html = try PrintedDocument.render(.oneTimeNotice, try printRequest(.unaccepted(application), context: context, store: store))
        } catch let error as PrintError {
            throw WebError.invalid(error.message)
        }
        try audit(context, "print.one-time-notice", target: item.code, store: store)
        return printed(html)
    }

    /// A printed document: its own inline styles are allowed, nothing else (no script at all).
    func printed(_ html: String) -> HTTPServerResponse {
        var headers = headers("text/html; charset=utf-8")
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
        service.statusCounts.add(200)
        return HTTPServerResponse(status: 200, headers: headers, body: Array(html.utf8))
    }
}
