/// CaseState is the materialized state of one case (办件): a pure function of the set of its
/// changes, folded in `(hlc, origin, seq)` order by CaseReducer. Two nodes holding the same changes
/// hold equal states, and equal canonical JSON (CaseState+JSON.swift), hence equal state hashes.
public struct CaseState: Hashable, Sendable {
    public var number: String
    public var queryCode: String
    /// The catalog item as the accepting node had it: a later catalog version never rewrites a case.
    public var item: ServiceItem
    public var applicant: Applicant
    public var status: CaseStatus
    /// The accepting node (首问负责: its staff member follows the case to the end).
    public var acceptor: String
    public var acceptedBy: String
    public var acceptedAt: Int64
    public var acceptedOn: LocalDate
    /// The node holding approval power for the item.
    public var decider: String
    /// The node the case currently sits at.
    public var holder: String
    /// The node where the applicant collects the result (the acceptor by default).
    public var collectAt: String
    public var deliveryPreference: DeliveryPreference
    /// Every node that is a party of the case, sorted: the routing keys of its changes.
    public var parties: [String]
    /// Material ids received: an add-only set, so adding the same material twice is one material.
    public var materials: Set<String>
    /// Required materials missing at a tolerated-missing acceptance (容缺受理).
    public var toleratedMissing: [String]
    public var refusalReasons: [String]
    public var supplement: SupplementRequest?
    public var supplementRounds: Int
    public var pauses: [ClockPauseRecord]
    public var timeExtension: Extension?
    public var decision: Decision?
    public var result: ResultDocument?
    public var delivery: Delivery?
    public var evaluation: Evaluation?
    public var withdrawal: Withdrawal?
    /// Last-writer-wins contact fields: the writer's `(hlc, origin)` decides (DESIGN §6).
    public var contactStamp: Stamp?
    public var timeline: [Step]
    /// The numbered documents its changes issued (受理通知书, 不予受理通知书, 补正告知书, 决定书), in order.
    public var documents: [CaseDocument] = []
    /// Every refusal and denial the case got, kept when it is handled again: the 否定备案 record.
    public var negatives: [NegativeRecord] = []
    /// Every order to handle it again (责令重新办理), oldest first.
    public var rehandlings: [Rehandling] = []
    /// The number the case had before a restore rebase gave it a new one (the applicant's receipt shows it).
    public var renumberedFrom: String?
    /// The files the case carries (materials' pages, the result document), in the order attached;
    /// a file attached twice for the same purpose and material is kept once.
    public var attachments: [Attachment] = []
}

/// A refusal (不予受理) or denial (不予许可), as filed with the county (否定备案).
public struct NegativeRecord: Hashable, Sendable {
    public enum Kind: String, Sendable { case refusal, denial }
    public var kind: Kind
    public var by: String
    public var actor: String
    public var on: LocalDate
    public var reasons: [String]
    public var documentNumber: String?
}

/// An order by the county to handle a refused or denied case again, at the node that refused or denied it.
public struct Rehandling: Hashable, Sendable {
    public var reason: String
    public var by: String
    public var actor: String
    public var on: LocalDate
    /// The node the case reopens at, and the status it had.
    public var at: String
    public var from: CaseStatus
}

/// How the applicant receives the result: collected at a node, or mailed.
public struct DeliveryPreference: Hashable, Sendable {
    public enum Method: String, Sendable { case collect, mail }
    public var method: Method
    public var mailAddress: String?

    public init(method: Method, mailAddress: String?) {
        self.method = method
        self.mailAddress = mailAddress
    }
}

/// A supplement request (补正告知) waiting for materials; the status returns to `resumeStatus`.
public struct SupplementRequest: Hashable, Sendable {
    public var requestedBy: String
    public var requestedOn: LocalDate
    public var materials: [String]
    /// What has come in since the request: a re-requested material (say, one that needs a seal)
    /// is owed even if an earlier copy is on file.
    public var received: [String]
    public var note: String?
    public var resumeStatus: CaseStatus
    public var pausesClock: Bool
}

/// A stretch of days not counted in the time limit: a supplement wait or a special procedure (art. 45).
public struct ClockPauseRecord: Hashable, Sendable {
    public enum Reason: String, Sendable { case supplement, specialProcedure = "special_procedure" }
    public var reason: Reason
    public var procedure: String?
    public var note: String?
    public var from: LocalDate
    public var to: LocalDate?
}

/// The single extension a case may get (行政许可法 art. 42: +10 working days, reason told to the applicant).
public struct Extension: Hashable, Sendable {
    public var workingDays: Int
    public var reason: String
    public var by: String
    public var on: LocalDate
}

/// The deciding node's approval (准予) or denial (不予许可).
public struct Decision: Hashable, Sendable {
    public var approved: Bool
    public var by: String
    public var actor: String
    public var on: LocalDate
    public var opinion: String?
    public var reasons: [String]
}

/// The result document (出件): its name and number, issued by a node on the way to the applicant.
public struct ResultDocument: Hashable, Sendable {
    public var name: String
    public var number: String?
    public var validUntil: LocalDate?
    public var issuedBy: String
    public var issuedOn: LocalDate
}

/// Delivery (送达): collected at the window, or mailed with a tracking number.
public struct Delivery: Hashable, Sendable {
    public enum Method: String, Sendable { case collected, mailed }
    public var method: Method
    public var trackingNumber: String?
    public var by: String
    public var on: LocalDate
}

public struct Withdrawal: Hashable, Sendable {
    public var reason: String
    public var by: String
    public var on: LocalDate
}

/// The `(hlc, origin)` of the change that last wrote a last-writer-wins field.
public struct Stamp: Hashable, Sendable, Comparable {
    public var hlc: HLC
    public var origin: String

    public static func < (a: Stamp, b: Stamp) -> Bool {
        a.hlc != b.hlc ? a.hlc < b.hlc : a.origin.utf8.lexicographicallyPrecedes(b.origin.utf8)
    }
}

/// One processing step (GB/T 39046 办理环节): what was done, where, by whom, when, with what opinion.
public struct Step: Hashable, Sendable {
    public var kind: String
    public var origin: String
    public var seq: Int64
    public var actor: String
    public var wall: Int64
    public var summary: String
}
