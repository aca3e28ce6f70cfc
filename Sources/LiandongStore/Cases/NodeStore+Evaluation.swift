import LiandongDomain

extension NodeStore {
    /// The county's 好差评 settings as held here (`EvaluationSettings.unset` before any).
    public func evaluationSettings() throws -> EvaluationSettings {
        guard let text = try db.query("SELECT json FROM county_settings WHERE kind = ?", [.text(EvaluationSettings.kind)]).first?.text("json")
        else { return .unset }
        return (try? EvaluationSettings.parse(try JSONParser.parse(text))) ?? .unset
    }

    /// Publishes the 好差评 settings (county only); they reach every node like the calendar.
    @discardableResult
    public func setEvaluationSettings(_ settings: EvaluationSettings, actor: String) throws -> Change {
        guard identity.role == .county else { throw StoreError("not_authorized", "只有县政务服务中心可以设置好差评规则") }
        _ = try EvaluationSettings.parse(settings.json)
        return try record(ChangeDraft(actor: actor, entity: EntityName.settings, kind: EvaluationSettings.kind, payload: settings.json))
    }

    /// Gives every unrated case this node delivered its default rating once the county's waiting
    /// period is over: one `case.evaluated` change (`default: true`) each, made only here (the
    /// delivering node), so that no two replicas ever rate the same case. Safe to call any number
    /// of times: a rated case is never due again. Returns the cases rated.
    @discardableResult
    public func applyDefaultRatings(actor: String = "系统默认评价") throws -> [String] {
        let settings = try evaluationSettings()
        guard settings.defaultAfterDays > 0 else { return [] }
        let day = today
        let numbers = try db.query("SELECT number FROM cases WHERE status = ? ORDER BY number", [.text(CaseStatus.delivered.rawValue)])
            .compactMap { $0.text("number") }
        var rated: [String] = []
        for number in numbers {
            guard let state = try caseState(number), settings.defaultRatingDue(state, at: identity.code, today: day) else { continue }
            do {
                try record(ChangeDraft(actor: actor, entity: number, kind: CaseAction.evaluate.kind, payload: settings.defaultRatingPayload))
                rated.append(number)
            } catch let error as CaseError {
                // Rated meanwhile (the applicant, at another window): nothing to do.
                _ = error
            }
        }
        return rated
    }

    /// A rating's payload with the county's follow-up days when the caller gave none.
    func stampingFollowUpDays(_ payload: JSONValue) throws -> JSONValue {
        guard case .object(var fields) = payload, fields["followUpDays"] == nil || fields["followUpDays"] == .null else { return payload }
        let level = fields["level"]?.intValue.flatMap { EvaluationLevel(rawValue: Int($0)) }
        guard level?.isPoor == true else { return payload }
        fields["followUpDays"] = .int(Int64(try evaluationSettings().followUpWorkingDays))
        return .object(fields)
    }
}
