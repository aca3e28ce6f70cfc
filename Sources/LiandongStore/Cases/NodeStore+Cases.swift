import Foundation
import LiandongDomain

extension NodeStore {
    /// Accepts (or, with refusal reasons, refuses) an application: validates the applicant, gives
    /// the case its number and query code, and records the change; all in one transaction.
    public func acceptCase(_ request: AcceptRequest) throws -> CaseState {
        var request = request
        guard let item = try item(code: request.itemCode) else {
            throw StoreError("unknown_item", "事项目录中没有事项 \(request.itemCode)", details: ["item": request.itemCode])
        }
        request.applicant = try normalized(request.applicant)
        try validate(request.applicant)
        try checkText(request)
        let number = try writeRecording { db -> String in
            // One reading of the clock: the number's day and the acceptance date on the receipt agree, even at midnight.
            let instant = now()
            let day = LocalDate(epochMillis: instant)
            let number = try issueCaseNumber(on: day, db: db)
            var payload: [String: JSONValue] = [
                "number": .string(number), "queryCode": .string(try CaseNumber.queryCode()), "item": item.json,
                "applicant": request.applicant.json, "materials": .strings(Array(Set(request.materials)).sorted()),
                "tolerateMissing": .bool(request.tolerateMissing),
                "delivery": ["method": .string(request.delivery.method.rawValue), "mailAddress": .optional(request.delivery.mailAddress)],
                "collectAt": .optional(request.collectAt),
            ]
            let action: CaseAction = request.refusalReasons.isEmpty ? .accept : .refuse
            if action == .refuse { payload["reasons"] = .strings(request.refusalReasons) }
            _ = try recordInTransaction([ChangeDraft(actor: request.actor, entity: number, kind: action.kind, payload: .object(payload))], db: db, at: instant)
            return number
        }
        guard let state = try caseState(number) else { throw CaseError.caseNotFound(number) }
        return state
    }

    /// Takes a workflow action on a case held here; a transition the rules do not allow throws and writes nothing.
    @discardableResult
    public func act(on number: String, _ action: CaseAction, payload: JSONValue, actor: String) throws -> CaseState {
        guard let before = try caseState(number) else { throw CaseError.caseNotFound(number) }
        if action == .extend, before.timeExtension == nil, action.allowedFrom.contains(before.status),
            let refusal = CaseClock(state: before).extensionRefusal(calendar: try calendar(), today: today)
        {
            throw StoreError("extension_too_late", refusal, details: ["case": number])
        }
        if action == .transfer, let target = payload["to"]?.stringValue {
            // Only to a node the county registered and has not revoked (the reducer judges the tier).
            guard let entry = try registryEntry(of: target), !entry.publicKey.isEmpty else {
                throw StoreError("transfer_target_unknown", "节点 \(target) 未在本县登记，不能转办", details: ["to": target])
            }
            if entry.isRevoked { throw StoreError("transfer_target_revoked", "节点 \(target) 已被撤销，不能转办", details: ["to": target]) }
        }
        let payload = action == .evaluate ? try stampingFollowUpDays(payload) : payload
        try record(ChangeDraft(actor: actor, entity: number, kind: action.kind, payload: payload))
        guard let state = try caseState(number) else { throw CaseError.caseNotFound(number) }
        return state
    }

    /// The applicant as typed, with the ID normalised (upper case); full-width characters and spaces refused.
    public func normalized(_ applicant: Applicant) throws -> Applicant {
        var applicant = applicant
        let what = applicant.idType == .creditCode ? "统一社会信用代码" : "居民身份证号码"
        do {
            applicant.idNumber = try IdentifierText.normalize(applicant.idNumber, what: what)
        } catch {
            throw StoreError(applicant.idType == .creditCode ? "invalid_credit_code" : "invalid_id_number", error.message)
        }
        do {
            applicant.phone = try IdentifierText.normalize(applicant.phone, what: "联系电话")
        } catch {
            throw StoreError("invalid_phone", error.message)
        }
        return applicant
    }

    /// Refuses over-long text and control characters in what staff typed, naming the field (TextRules).
    func checkText(_ request: AcceptRequest) throws {
        var fields: [(String, String, TextRules.Shape)] = [("申请人姓名", request.applicant.name, TextRules.personName), ("经办人", request.actor, TextRules.actor)]
        if let address = request.applicant.address { fields.append(("地址", address, TextRules.line)) }
        if let mail = request.delivery.mailAddress { fields.append(("邮寄地址", mail, TextRules.line)) }
        for reason in request.refusalReasons { fields.append(("不予受理理由", reason, TextRules.paragraph)) }
        for (name, text, shape) in fields {
            if let problem = TextRules.problem(text, shape) { throw StoreError("invalid_text", "\(name)\(problem)", details: ["field": name]) }
        }
    }

    func validate(_ applicant: Applicant) throws {
        if applicant.name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw StoreError("invalid_applicant_name", "申请人姓名不能为空")
        }
        switch applicant.idType {
        case .residentID:
            do {
                _ = try ResidentID(validating: applicant.idNumber, today: today)
            } catch {
                throw StoreError("invalid_id_number", "居民身份证号码无效：\(error)", details: ["idNumber": Masking.idNumber(applicant.idNumber)])
            }
        case .creditCode:
            do {
                _ = try SocialCreditCode(validating: applicant.idNumber)
            } catch {
                throw StoreError("invalid_credit_code", "统一社会信用代码无效：\(error)")
            }
        }
        do {
            _ = try PhoneNumber(validating: applicant.phone)
        } catch {
            throw StoreError("invalid_phone", "联系电话无效：\(error)")
        }
    }
}
