import LiandongDomain

/// PrintRequest is everything one printed document is made from, as plain values: the case (or an
/// application that was not accepted), the node printing it, names of the other nodes, the public
/// base URL for the QR code, the print time and, when the log has one, the document's own number.
public struct PrintRequest: Sendable {
    /// What the document is about.
    public enum Subject: Sendable {
        /// A case in the store, as staff see it (due dates come from the view).
        case existing(CaseView)
        /// An application turned away for missing materials: no case, no number, no query code.
        case unaccepted(UnacceptedApplication)

        /// The case state, when there is a case.
        public var state: CaseState? {
            if case .existing(let view) = self { return view.state }
            return nil
        }
    }

    public var subject: Subject
    /// The node printing the document (its full name is the footer's 打印单位).
    public var node: PrintingNode
    /// Full names of other nodes by code (the decider, the acceptor), e.g. from the node registry;
    /// a code with no name prints as the code.
    public var nodeNames: [String: String]
    /// Where citizens query a case, e.g. `https://zwfw.example.gov.cn`; the QR code encodes
    /// `{publicBase}/public?number=…&code=…`.
    public var publicBase: String
    /// Milliseconds since the epoch; printed as China Standard Time.
    public var printedAt: Int64
    /// The document's number as the case's log records it; nil prints a number derived from the
    /// case number, labelled as such (PrintedNumber.swift).
    public var documentNumber: String?
    /// The bodies a refusal or denial names for 行政复议 and 行政诉讼.
    public var remedies: Remedies

    public init(
        subject: Subject, node: PrintingNode, nodeNames: [String: String] = [:], publicBase: String, printedAt: Int64,
        documentNumber: String? = nil, remedies: Remedies = Remedies()
    ) {
        self.subject = subject
        self.node = node
        self.nodeNames = nodeNames
        self.publicBase = publicBase
        self.printedAt = printedAt
        self.documentNumber = documentNumber
        self.remedies = remedies
    }

    /// The case state, when there is a case.
    public var state: CaseState? { subject.state }

    /// The full name of a node: the printing node's own, else `nodeNames`, else the code.
    func name(of code: String) -> String {
        if code == node.code { return node.fullName }
        return nodeNames[code] ?? code
    }
}

/// PrintingNode is the node a document is printed at: its division code and full name (the
/// `--name` given at `init`, e.g. 淳安县政务服务中心).
public struct PrintingNode: Hashable, Sendable {
    public var code: String
    public var fullName: String

    public init(code: String, fullName: String) {
        self.code = code
        self.fullName = fullName
    }
}

/// UnacceptedApplication is what the window had when it turned an application away for missing
/// materials: the item, the applicant, what is owed and what was handed in. Built either from the
/// window's checklist (`provided:`) or from a recorded one-time notice (`owed:` as it recorded them).
public struct UnacceptedApplication: Hashable, Sendable {
    public var item: ServiceItem
    public var applicant: Applicant
    /// Every required material missing, in catalog order: all listed at once (art. 32).
    public var owed: [Material]
    /// Materials handed in and checked.
    public var handedIn: [Material]
    /// The day of the visit (the notice must be given on the spot or within 5 days, art. 32).
    public var on: LocalDate
    public var note: String?
    /// The node that gave the notice, when it is not the node printing it (nil: the printing node).
    public var issuedBy: String?

    /// From the checklist: owed is every required material not in `provided` (material ids).
    public init(item: ServiceItem, applicant: Applicant, provided: Set<String>, on: LocalDate, note: String? = nil) {
        self.init(item: item, applicant: applicant, owed: item.missingMaterials(provided: provided),
                  handedIn: item.materials.filter { provided.contains($0.id) }, on: on, note: note)
    }

    /// From a recorded notice: `owed` as recorded (a material the catalog no longer has keeps its recorded name).
    public init(
        item: ServiceItem, applicant: Applicant, owed: [Material], handedIn: [Material] = [], on: LocalDate, note: String? = nil,
        issuedBy: String? = nil
    ) {
        self.item = item
        self.applicant = applicant
        self.owed = owed
        self.handedIn = handedIn
        self.on = on
        self.note = note
        self.issuedBy = issuedBy
    }
}

/// Remedies names where an applicant may challenge a refusal or denial: the 行政复议 body and the
/// court. Unknown bodies print as the generic wording the law allows ("依法享有…的权利").
public struct Remedies: Hashable, Sendable {
    /// e.g. 淳安县人民政府 (行政复议法 2023 art. 24: a county department's act goes to the county government).
    public var reviewBody: String?
    /// e.g. 淳安县人民法院.
    public var court: String?

    public init(reviewBody: String? = nil, court: String? = nil) {
        self.reviewBody = reviewBody
        self.court = court
    }
}
