/// The change kinds of notices that are not (yet) a case.
public enum NoticeKind {
    /// 一次性告知 (行政许可法 art. 32): the application is incomplete and is not accepted; every
    /// missing material is listed at once. Entity `notice:{document number}`; routed up only.
    public static let oneTimeIssued = "notice.one_time_issued"
    public static let entityPrefix = "notice:"

    public static func entity(_ number: String) -> String { entityPrefix + number }
}

/// OneTimeNotice is a recorded one-time notice (一次性告知书): which item, which applicant, which
/// materials are owed, by whom and when. A pure function of its change, so every replica that holds
/// the change reads the same notice.
public struct OneTimeNotice: Hashable, Sendable {
    public struct Owed: Hashable, Sendable {
        public var id: String
        public var name: String
    }

    public var number: String
    public var node: String
    public var actor: String
    public var issuedOn: LocalDate
    public var wall: Int64
    public var itemCode: String
    public var itemName: String
    public var itemVersion: Int
    public var applicant: Applicant
    public var owed: [Owed]
    public var note: String?

    /// The payload a node records (the document number is stamped in by the store).
    public static func payload(item: ServiceItem, applicant: Applicant, owed: [CaseError.MissingMaterial], note: String?) -> JSONValue {
        ["item": ["code": .string(item.code), "name": .string(item.name), "version": .int(Int64(item.version))],
         "applicant": applicant.json,
         "owed": .array(owed.map { ["id": .string($0.id), "name": .string($0.name)] }),
         "note": .optional(note)]
    }

    /// Reads and checks a notice change: its number must be the origin's, of the notice series and
    /// year, and name the entity; it must owe at least one material.
    public init(_ change: Change) throws {
        guard change.kind == NoticeKind.oneTimeIssued else { throw CaseError.unknownKind(change.kind) }
        guard case .object = change.payload else {
            throw CaseError.invalidPayload(field: "payload", reason: "应为对象，实际为\(change.payload.chineseTypeName)")
        }
        let payload = PayloadReader(change.payload)
        try TextRules.checkPayload(change.payload)
        let text = try payload.string("documentNumber")
        _ = try DocumentNumber.check(text, change: change, kind: .oneTimeNotice)
        guard change.entity == NoticeKind.entity(text) else {
            throw CaseError.invalidPayload(field: "entity", reason: "\(change.entity) 应为 \(NoticeKind.entity(text))")
        }
        let item = PayloadReader(try payload.value("item"), field: "payload.item")
        let owedValues = try payload.value("owed").arrayValue ?? []
        let owed = try owedValues.enumerated().map { index, value in
            let reader = PayloadReader(value, field: "payload.owed[\(index)]")
            return Owed(id: try reader.string("id"), name: try reader.string("name"))
        }
        guard !owed.isEmpty else { throw payload.fail("owed", "一次性告知必须列明所缺的全部材料") }
        number = text
        node = change.origin
        actor = change.actor
        issuedOn = change.wallDate
        wall = change.wall
        itemCode = try item.string("code")
        itemName = try item.string("name")
        itemVersion = Int(try item.int("version"))
        applicant = try Applicant(json: try payload.value("applicant"))
        self.owed = owed
        note = try payload.optionalString("note")
    }

    public func json(masked: Bool) -> JSONValue {
        ["number": .string(number), "node": .string(node), "actor": .string(actor), "issuedOn": .string(issuedOn.iso),
         "item": ["code": .string(itemCode), "name": .string(itemName), "version": .int(Int64(itemVersion))],
         "applicant": ["name": .string(masked ? Masking.name(applicant.name) : applicant.name),
                       "idType": .string(applicant.idType.rawValue),
                       "idNumber": .string(masked ? Masking.idNumber(applicant.idNumber) : applicant.idNumber)],
         "owed": .array(owed.map { ["id": .string($0.id), "name": .string($0.name)] }),
         "note": .optional(note)]
    }
}
