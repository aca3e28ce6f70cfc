/// field_last_writer (字段后写为准): two nodes change the same contact field of a case (phone,
/// address, mail address), each not having seen the other's change. The later in `(hlc, origin)`
/// stands, as the reducer folds them; the value it overwrote, which its author never saw, is kept
/// in a record so that staff can restore it. An update made here stamps, for each field it writes,
/// the change that last wrote it (`seen`), so that every node tells a concurrent overwrite from a
/// correction of a value its author saw.
///
/// Unlike the rules asked before the reducer, this one is asked after the reducer applied a
/// contact update (CaseHistory.apply): the update stands either way, only the record is the rule's.
extension CaseConflictRules {
    /// The contact fields a contact update may write.
    public static let contactFields = ["phone", "address", "mailAddress"]

    /// The records of a contact update the reducer applied over `before`: one per earlier writer
    /// whose value it overwrote without having seen it, naming every such field with both values.
    /// `writers` is the change that last wrote each field before this one.
    public static func fieldLastWriter(_ change: Change, over before: CaseState, writers: [String: ChangeRef]) -> [Refusal] {
        let ref = ChangeRef(change)
        var lost: [ChangeID: (writer: ChangeRef, fields: [String: JSONValue])] = [:]
        let seen = change.payload["seen"]?.objectValue ?? [:]
        for field in writtenFields(change.payload) {
            guard let value = change.payload[field]?.stringValue else { continue }
            guard let writer = writers[field], let saw = seen[field]?.stringValue, saw != writer.id.description else { continue }
            let old = Self.value(of: field, in: before)
            guard old != value else { continue }
            var entry = lost[writer.id] ?? (writer, [:])
            entry.fields[field] = ["winner": .string(value), "loser": .optional(old)]
            lost[writer.id] = entry
        }
        return lost.sorted(by: { $0.key < $1.key }).map { _, entry in
            let names = entry.fields.keys.sorted().map(fieldName).joined(separator: "、")
            return Refusal(
                rule: .fieldLastWriter, with: entry.writer, values: ["fields": .object(entry.fields)],
                message: "\(ref.origin) 修改\(names)时未看到 \(entry.writer.origin) 的修改（\(entry.writer.id)），两者并发",
                outcome: "按 (hlc, origin) 后写者 \(ref.id) 为准；被覆盖的值保留在本记录中", resolver: before.acceptor)
        }
    }

    /// The contact fields a contact update writes (the reducer ignores empty ones).
    public static func writtenFields(_ payload: JSONValue) -> [String] {
        contactFields.filter { payload[$0]?.stringValue.map { !$0.isEmpty } ?? false }
    }

    /// What a contact field holds in a state.
    public static func value(of field: String, in state: CaseState) -> String? {
        switch field {
        case "phone": return state.applicant.phone
        case "address": return state.applicant.address
        default: return state.deliveryPreference.mailAddress
        }
    }

    static func fieldName(_ field: String) -> String {
        switch field {
        case "phone": return "联系电话"
        case "address": return "地址"
        default: return "邮寄地址"
        }
    }
}
