import LiandongDomain
import LiandongStore

/// `liandong settings evaluation|show`: the county's 好差评 settings, a replicated setting like the
/// calendar: days until an unrated delivered case takes the default rating and which level, and the
/// working days of a poor rating's follow-up (回访整改). `serve` applies default ratings itself.
enum SettingsCommand {
    static var table: [String: (inout CommandContext) throws -> Void] { ["evaluation": evaluation, "show": show, "apply-default-ratings": applyNow] }

    static func evaluation(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let current = try store.evaluationSettings()
        let days = try context.args.int("default-days") ?? current.defaultAfterDays
        var level = current.defaultLevel
        if let text = try context.args.optional("default-level") {
            guard let parsed = EvaluationLevel(text: text) else { throw CLIError.usage("--default-level 应为 1-3 或 非常满意/满意/基本满意") }
            level = parsed
        }
        let followUp = try context.args.int("follow-up-days") ?? current.followUpWorkingDays
        let actor = try context.actor()
        try context.args.finish(maxPositionals: 0)
        let settings = EvaluationSettings(defaultAfterDays: days, defaultLevel: level, followUpWorkingDays: followUp)
        do {
            try store.setEvaluationSettings(settings, actor: actor)
        } catch let error as CaseError {
            throw CLIError(code: error.code, message: "好差评设置无效：\(error.message)", exitCode: 2)
        }
        context.console.emit(settings.json, text: text(settings) + "\n已发布，将同步到所有下级节点")
    }

    static func show(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        try context.args.finish(maxPositionals: 0)
        let settings = try store.evaluationSettings()
        context.console.emit(settings.json, text: text(settings))
    }

    /// Applies due default ratings now (what `serve` does periodically).
    static func applyNow(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        try context.args.finish(maxPositionals: 0)
        let rated = try store.applyDefaultRatings()
        context.console.emit(["rated": .strings(rated)], text: rated.isEmpty ? "没有到期的默认评价" : "已默认评价 \(rated.count) 件：" + rated.joined(separator: "、"))
    }

    static func text(_ settings: EvaluationSettings) -> String {
        let rating = settings.defaultAfterDays == 0
            ? "不设默认评价"
            : "送达后 \(settings.defaultAfterDays) 天未评价的，默认「\(settings.defaultLevel.chineseName)」"
        return "好差评设置：\(rating)；差评回访整改期限 \(settings.followUpWorkingDays) 个工作日"
    }
}
