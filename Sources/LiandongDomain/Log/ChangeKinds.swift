/// ChangeKinds is the one table of the kinds of change that are not a case's own workflow: what
/// family each belongs to, which node may make it and how its payload is read. Every replica judges
/// a change from the change alone (its origin's code, its entity, its payload), so that the county,
/// a township and a village reach the same verdict whatever else they hold (DESIGN §4, §7:
/// authority is checked at the receiver). Case changes (`case.*`) and resolutions are judged by the
/// case's own rules (`CaseAction`, `ConflictRule`), which need the case's state.
public enum ChangeKinds {
    /// The family of a change kind: where it is applied, and which ones travel first in a batch.
    public enum Family: String, Sendable {
        /// `case.*`: a case's workflow, folded by `CaseReducer`.
        case caseWorkflow
        /// `conflict.resolved`: a resolution, folded with the case it names.
        case resolution
        /// What the county publishes for the whole county: catalog items, calendar years, settings.
        case countyPublication
        /// `node.*`: the registry (registrations, revocations, certificate pins, heal records). A
        /// batch applies these first: the keys they carry check the rest.
        case registry
        /// `notice.*`: notices that are not (yet) a case.
        case notice
    }

    /// Who may make a kind of change, read from the origin's code and the code the change names.
    public enum Author: Sendable, Equatable {
        /// Only the county (县政务服务中心): it publishes for every node below it.
        case county
        /// The node named, or a node above it (a parent registers its child; a county registers itself at init).
        case subjectOrAncestor
        /// Only a node strictly above the one named: no node revokes itself.
        case strictAncestor
        /// Only the node named: its own certificate pins, the record of its own heal.
        case subjectItself
        /// Any registered node (a notice given at its window).
        case anyNode
    }

    /// One row of the table.
    public struct Rule: Sendable {
        public let kind: String
        public let family: Family
        public let author: Author
        /// What the change does, as staff read it in a refusal: 「节点 X 无权{what}」, with `{node}`
        /// standing for the node the change names.
        public let what: String
        /// The payload's name, as staff read it in 「{payloadName}无效」.
        public let payloadName: String
        /// Reads the change's payload, returning the code of the node it names (registry kinds) or
        /// nil; throws what is wrong with it.
        let read: @Sendable (Change) throws -> String?
    }

    /// Every kind this version applies besides the case workflow. A kind not here and not a case's
    /// is kept in the log and recorded as `unknown_kind`, for a newer version to apply.
    public static let table: [Rule] = [
        Rule(kind: CatalogKind.itemPublished, family: .countyPublication, author: .county, what: "发布事项目录", payloadName: "事项数据") {
            _ = try ServiceItem.parse($0.payload); return nil
        },
        Rule(kind: CatalogKind.calendarYearSet, family: .countyPublication, author: .county, what: "设置工作日历", payloadName: "日历数据") {
            _ = try CalendarYear.parse($0.payload); return nil
        },
        Rule(kind: EvaluationSettings.kind, family: .countyPublication, author: .county, what: "设置好差评规则", payloadName: "好差评设置") {
            _ = try EvaluationSettings.parse($0.payload); return nil
        },
        Rule(kind: NodeKind.registered, family: .registry, author: .subjectOrAncestor, what: "登记节点 {node}", payloadName: "节点登记数据") {
            try NodeRegistration.parse($0.payload).code
        },
        Rule(kind: NodeKind.revoked, family: .registry, author: .strictAncestor, what: "撤销节点 {node}", payloadName: "节点撤销数据") {
            try NodeRevocation.parse($0.payload).code
        },
        Rule(kind: CertificateAnnouncement.kind, family: .registry, author: .subjectItself, what: "公告节点 {node} 的证书", payloadName: "证书公告数据") {
            try CertificateAnnouncement.parse($0.payload).code
        },
        Rule(kind: RestoreHeal.healedKind, family: .registry, author: .subjectItself, what: "记录节点 {node} 的恢复", payloadName: "恢复记录") {
            try NodeRegistration.code(PayloadReader($0.payload, field: "payload"))
        },
        Rule(kind: NoticeKind.oneTimeIssued, family: .notice, author: .anyNode, what: "出具一次性告知书", payloadName: "一次性告知书") {
            _ = try OneTimeNotice($0); return nil
        },
    ]

    private static let byKind: [String: Rule] = Dictionary(uniqueKeysWithValues: table.map { ($0.kind, $0) })

    /// The rule of a kind outside the case workflow, or nil (a case's kind, a resolution, or unknown).
    public static func rule(for kind: String) -> Rule? { byKind[kind] }

    /// The family of a kind, or nil when this version does not know it.
    public static func family(of kind: String) -> Family? {
        if let rule = byKind[kind] { return rule.family }
        if kind == ConflictKind.resolved { return .resolution }
        return kind.hasPrefix(casePrefix) ? .caseWorkflow : nil
    }

    /// Whether a kind is a case's: its workflow or a resolution of one of its conflicts.
    public static func isCaseKind(_ kind: String) -> Bool {
        let family = family(of: kind)
        return family == .caseWorkflow || family == .resolution
    }

    /// Whether a kind is the registry's (`node.*`), known to this version or not: a batch applies
    /// these before the rest, and a newer registry kind must not be judged as a case's.
    public static func isRegistryKind(_ kind: String) -> Bool { kind.hasPrefix(registryPrefix) }

    private static let casePrefix = "case."
    private static let registryPrefix = "node."

    /// Why this change cannot apply, whatever else the node holds, for a kind in the table: its
    /// origin lacks the authority, its payload does not read, or it names another node than its
    /// entity does. Nil when it applies. A kind outside the table is `unknown_kind`, except a case's
    /// own, judged by the case's rules.
    public static func problem(of change: Change) -> (rule: ConflictRule, message: String)? {
        guard let rule = byKind[change.kind] else {
            if isCaseKind(change.kind) { return nil }
            return (.unknownKind, "未知的变更类型 \(change.kind)，已保留待新版本处理")
        }
        if rule.author == .county, NodeCode.role(of: change.origin) != .county {
            return (.notAuthorized, "节点 \(change.origin) 无权\(rule.what)")
        }
        let subject: String?
        do {
            subject = try rule.read(change)
        } catch {
            return (.invalidPayload, "\(rule.payloadName)无效：\(error)")
        }
        guard let subject else { return nil }
        guard change.entity == EntityName.node(subject) else {
            return (.invalidPayload, "\(rule.payloadName)的对象 \(change.entity) 与节点代码 \(subject) 不符")
        }
        guard !rule.author.permits(origin: change.origin, subject: subject) else { return nil }
        if rule.author == .strictAncestor, change.origin == subject { return (.notAuthorized, "节点 \(subject) 不能撤销自己") }
        return (.notAuthorized, "节点 \(change.origin) 无权" + rule.what.replacing("{node}", with: subject))
    }
}

extension ChangeKinds.Author {
    /// Whether `origin` may make a change that names the node `subject` (the county rule is judged
    /// on the origin alone, before the payload is read).
    public func permits(origin: String, subject: String) -> Bool {
        switch self {
        case .county: return NodeCode.role(of: origin) == .county
        case .anyNode: return true
        case .subjectOrAncestor: return NodeCode.isAncestorOrSelf(origin, of: subject)
        case .strictAncestor: return origin != subject && NodeCode.isAncestorOrSelf(origin, of: subject)
        case .subjectItself: return origin == subject
        }
    }
}

extension ChangeKinds {
    /// The conflict record of a change outside the case workflow that cannot apply: it stays in the
    /// log, has no effect, and the county (the root of the origin's path) sees why.
    public static func refusal(_ change: Change, rule: ConflictRule, message: String) -> ConflictRecord {
        ConflictRecord(
            rule: rule, cases: [], changes: [ChangeRef(change)], values: ["refused": ["kind": .string(change.kind), "payload": change.payload]],
            message: message, outcome: "该变更保留在日志中，未生效", resolver: NodeCode.path(to: change.origin).first ?? change.origin)
    }
}
