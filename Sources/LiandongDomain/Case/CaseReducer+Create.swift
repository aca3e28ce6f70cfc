extension CaseReducer {
    /// Creates a case from its acceptance (受理) or refusal (不予受理). Acceptance checks the item's
    /// required materials: a missing one is refused unless the item allows tolerated-missing
    /// acceptance (容缺受理) and the agent asked for it.
    static func create(_ change: Change, action: CaseAction, payload: PayloadReader) throws -> CaseState {
        let number = try payload.string("number")
        guard number == change.entity else {
            throw CaseError.invalidPayload(field: "payload.number", reason: "\(number) does not match entity \(change.entity)")
        }
        let item: ServiceItem
        do {
            item = try ServiceItem.frozen(try payload.value("item"))
        } catch let error as CaseError {
            throw error
        } catch {
            throw CaseError.invalidPayload(field: "payload.item", reason: "\(error)")
        }
        guard let role = NodeCode.role(of: change.origin), item.acceptAt.contains(role) else {
            let allowed = item.acceptAt.map(\.chineseName).joined(separator: "、")
            throw CaseError.notAuthorized(action: action, origin: change.origin, reason: "事项「\(item.name)」只能在\(allowed)受理")
        }
        let applicant = try Applicant(json: try payload.value("applicant"))
        // One person, one spelling: the ID as every entry point normalises it (upper case, ASCII, no spaces).
        guard IdentifierText.isNormalized(applicant.idNumber) else {
            throw CaseError.invalidPayload(field: "payload.applicant.idNumber", reason: "证件号码应为大写半角字符、不含空格")
        }
        let provided = Set(try payload.strings("materials"))
        let unknown = provided.subtracting(item.materials.map(\.id))
        if let first = unknown.sorted().first {
            throw CaseError.invalidPayload(field: "payload.materials", reason: "事项「\(item.name)」没有材料 \(first)")
        }
        let missing = item.missingMaterials(provided: provided)
        let tolerate = try payload.bool("tolerateMissing", default: false)
        var refusalReasons: [String] = []
        if action == .accept, !missing.isEmpty, !(tolerate && item.toleratedMissing) {
            throw CaseError.materialsMissing(missing.map { CaseError.MissingMaterial(id: $0.id, name: $0.name) })
        }
        if action == .refuse {
            refusalReasons = try payload.strings("reasons")
            if refusalReasons.isEmpty { throw CaseError.invalidPayload(field: "payload.reasons", reason: "不予受理必须写明全部理由") }
        }
        let decider = NodeCode.ancestor(of: change.origin, at: item.decideAt)
        let collectAt = try payload.optionalString("collectAt") ?? change.origin
        guard NodeCode.role(of: collectAt) != nil else {
            throw CaseError.invalidPayload(field: "payload.collectAt", reason: "\(collectAt) is not a node code")
        }
        let delivery = PayloadReader(payload.json["delivery"] ?? .object([:]), field: "payload.delivery")
        let methodName = try delivery.optionalString("method") ?? "collect"
        guard let method = DeliveryPreference.Method(rawValue: methodName) else {
            throw delivery.fail("method", "应为 collect（窗口领取）或 mail（邮寄）")
        }
        let preference = DeliveryPreference(method: method, mailAddress: try delivery.optionalString("mailAddress"))
        if preference.method == .mail, preference.mailAddress == nil {
            throw CaseError.invalidPayload(field: "payload.delivery.mailAddress", reason: "邮寄送达必须填写邮寄地址")
        }
        let acceptedOn = change.wallDate
        let summary: String
        if action == .refuse {
            summary = "不予受理：" + refusalReasons.joined(separator: "；")
        } else if missing.isEmpty {
            summary = "受理，材料齐全"
        } else {
            summary = "容缺受理，待补：" + missing.map(\.name).joined(separator: "、")
        }
        var documents: [CaseDocument] = []
        if let text = try payload.optionalString("documentNumber") {
            let kind: DocumentKind = action == .refuse ? .refusal : .acceptance
            _ = try DocumentNumber.check(text, change: change, kind: kind)
            documents.append(CaseDocument(kind: kind, number: text, issuedBy: change.origin, issuedOn: acceptedOn, changeKind: change.kind,
                                          rights: action == .refuse ? .statutory : nil))
        }
        let renumberedFrom = try payload.optionalString("renumberedFrom")
        if let renumberedFrom, !CaseNumber.isWellFormed(renumberedFrom) || !renumberedFrom.hasPrefix(change.origin + "-") {
            throw payload.fail("renumberedFrom", "\(renumberedFrom) 不是本节点的办件编号")
        }
        var state = CaseState(
            number: number,
            queryCode: try payload.string("queryCode"),
            item: item,
            applicant: applicant,
            status: action == .refuse ? .refused : .accepted,
            acceptor: change.origin,
            acceptedBy: change.actor,
            acceptedAt: change.wall,
            acceptedOn: acceptedOn,
            decider: decider,
            holder: change.origin,
            collectAt: collectAt,
            deliveryPreference: preference,
            parties: addingParties([], [change.origin, decider, collectAt]),
            materials: provided,
            toleratedMissing: action == .accept ? missing.map(\.id) : [],
            refusalReasons: refusalReasons,
            supplement: nil,
            supplementRounds: 0,
            pauses: [],
            timeExtension: nil,
            decision: nil,
            result: nil,
            delivery: nil,
            evaluation: nil,
            withdrawal: nil,
            contactStamp: Stamp(hlc: change.hlc, origin: change.origin),
            timeline: [Step(kind: change.kind, origin: change.origin, seq: change.seq, actor: change.actor, wall: change.wall, summary: summary)],
            documents: documents,
            negatives: action == .refuse
                ? [NegativeRecord(kind: .refusal, by: change.origin, actor: change.actor, on: acceptedOn, reasons: refusalReasons,
                                  documentNumber: documents.first?.number)]
                : [])
        state.renumberedFrom = renumberedFrom
        return state
    }
}
