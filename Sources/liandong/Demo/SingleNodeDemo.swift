import Foundation
import LiandongDomain
import LiandongStore

/// DemoStory is `liandong demo --single`: a whole case life on one county node in a temporary
/// directory, each step printed in Chinese. Time is simulated so that the deadline clock can be seen moving.
struct DemoStory {
    let store: NodeStore
    let context: CommandContext
    let clock = SimulatedClock(start: 0)
    /// The steps as said, for `demo --single --json`.
    let said = SaidLines()

    init(directory: String, examples: String, context: CommandContext) throws {
        self.context = context
        let clock = self.clock
        clock.set(iso: "2026-11-16T09:00:00+08:00")
        store = try NodeStore.initialize(directory: directory, role: .county, code: "330106", name: "西湖区政务服务中心", now: { clock.now })
        try store.importCatalog(try context.readJSONFile(examples + "/catalog.json"), actor: "admin")
        try store.setCalendarYear(try context.readJSONFile(examples + "/calendar-2026.json"), actor: "admin")
    }

    func say(_ text: String) {
        let day = LocalDate(epochMillis: clock.now).iso
        said.lines.append(["date": .string(day), "text": .string(text)])
        if !context.console.json { Console.stdout("[\(day)] \(text)\n") }
    }

    mutating func play() throws {
        say("县政务服务中心初始化完成：\(try store.items().count) 个事项，2026 年工作日历已设置")
        let applicant = Applicant(name: "张桂英", idNumber: "11010519491231002X", phone: "13812345678", address: "西湖区转塘街道某村 3 组")
        var request = AcceptRequest(itemCode: "000105001000", applicant: applicant, materials: ["id_card", "household_register"], actor: "窗口-李")
        do {
            _ = try store.acceptCase(request)
        } catch CaseError.materialsMissing(let missing) {
            say("申请最低生活保障，材料不全，出具一次性告知书：缺 " + missing.map(\.name).joined(separator: "、"))
        }
        request.materials.append("application")
        request.tolerateMissing = true
        var state = try store.acceptCase(request)
        let number = state.number
        say("容缺受理，办件编号 \(number)，查询码 \(state.queryCode)，承诺办结 \(try view(number).dueDate?.iso ?? "")")
        state = try store.act(on: number, .review, payload: ["opinion": "进入审查"], actor: "首席审批员-王")
        say("县首席审批员开始审查，状态：\(state.status.chineseName)")
        state = try store.act(on: number, .requestSupplement, payload: ["materials": ["income_statement", "property_statement", "verification_consent"], "note": "请一次补齐"], actor: "首席审批员-王")
        say("一次性补正告知：收入、财产申报与核对授权书；计时暂停")
        clock.advance(days: 3)
        state = try store.act(on: number, .recordSupplement, payload: ["materials": ["income_statement", "property_statement", "verification_consent"]], actor: "窗口-李")
        say("申请人补齐材料，回到「\(state.status.chineseName)」，承诺办结顺延至 \(try view(number).dueDate?.iso ?? "")")
        state = try store.act(on: number, .extend, payload: ["reason": "需入户核查家庭经济状况"], actor: "中心主任")
        say("经负责人批准延期 10 个工作日，承诺办结 \(try view(number).dueDate?.iso ?? "")（行政许可法第四十二条）")
        clock.advance(days: 2)
        state = try store.act(on: number, .approve, payload: ["opinion": "符合低保条件"], actor: "首席审批员-王")
        say("准予：\(state.decision?.opinion ?? "")")
        state = try store.act(on: number, .issue, payload: ["documentName": "最低生活保障证", "documentNumber": "西民低保〔2026〕118号"], actor: "窗口-李")
        say("出件：\(state.result?.name ?? "")，待领取")
        clock.advance(days: 1)
        state = try store.act(on: number, .deliver, payload: ["method": "collected"], actor: "窗口-李")
        say("申请人到窗口领取，已送达")
        state = try store.act(on: number, .evaluate, payload: ["level": 2, "comment": "一次告知，少跑腿"], actor: "窗口-李")
        say("评价：\(state.evaluation?.level.chineseName ?? "")")

        let elder = try store.acceptCase(AcceptRequest(
            itemCode: "000120017000", applicant: Applicant(name: "李大爷", idNumber: "440524188001010014", phone: "0571-88888888"),
            materials: ["id_card", "photo"], actor: "窗口-赵"))
        try store.act(on: elder.number, .approve, payload: [:], actor: "窗口-赵")
        try store.act(on: elder.number, .issue, payload: ["documentName": "老年人优待证"], actor: "窗口-赵")
        let delivered = try store.act(on: elder.number, .deliver, payload: ["method": "collected"], actor: "窗口-赵")
        say("即办件：老年人优待证当场办结（\(elder.number)），状态 \(delivered.status.chineseName)")
        try store.act(on: elder.number, .evaluate, payload: ["level": 4, "comment": "排队时间长"], actor: "窗口-赵")
        say("差评「不满意」，启动回访整改，期限 5 个工作日")
        clock.advance(days: 1)
        try store.act(on: elder.number, .closeFollowUp, payload: ["result": "已电话回访，增设老年人绿色通道"], actor: "督查室")
        say("回访整改完成")

        let shop = try store.acceptCase(AcceptRequest(
            itemCode: "000101201000", applicant: Applicant(name: "陈小明", idNumber: "11010519491231002X", phone: "13900001111"),
            materials: ["application", "id_card", "premises_proof"], actor: "窗口-李"))
        try store.act(on: shop.number, .deny, payload: ["reasons": ["经营场所为住宅，未取得利害关系人同意"]], actor: "首席审批员-王")
        say("个体工商户设立登记不予许可，理由已书面告知，报中心否定备案")

        let homestead = try store.acceptCase(AcceptRequest(
            itemCode: "000105003000", applicant: Applicant(name: "王五", idNumber: "11010519491231002X", phone: "13700002222"),
            materials: ["application", "id_card", "household_register", "hardship_proof"], actor: "窗口-赵"))
        say("临时救助申请受理（\(homestead.number)），承诺办结 \(try view(homestead.number).dueDate?.iso ?? "")")
        clock.advance(days: 15)
        let overdue = try store.listCases(CaseFilter(deadline: .overdue))
        say("十五天后查看电子监察：超期 \(overdue.count) 件 " + overdue.map(\.number).joined(separator: " "))

        let stats = try store.statistics().overall
        let json = stats.json
        say("统计：办件 \(stats.cases) 件，办结 \(stats.completed) 件，按时办结率 \(permille(json["onTimeRatePermille"]))，满意率 \(permille(json["satisfactionRatePermille"]))")
        let report = try store.verify()
        say("核验：\(report.changesChecked) 条变更、\(report.signaturesChecked) 个签名、\(report.casesChecked) 个办件，\(report.isClean ? "全部一致" : "发现 \(report.problems.count) 个问题")")
        if !report.isClean { throw CLIError(code: "demo_failed", message: "演示数据核验未通过") }
    }

    func view(_ number: String) throws -> CaseView { try store.caseView(number) }

    func permille(_ value: JSONValue?) -> String {
        guard let v = value?.intValue else { return "—" }
        return "\(v / 10).\(v % 10)%"
    }
}

/// SaidLines collects what the single-node story said.
final class SaidLines {
    var lines: [JSONValue] = []
}

/// SimulatedClock is the demo's time: it only moves when the story says so.
final class SimulatedClock: @unchecked Sendable {
    // Only the demo's single thread touches it.
    private(set) var now: Int64

    init(start: Int64) { self.now = start }

    func set(iso: String) {
        if let date = ISO8601DateFormatter().date(from: iso) { now = Int64(date.timeIntervalSince1970 * 1000) }
    }

    func advance(days: Int) { now += Int64(days) * 86_400_000 }
}
