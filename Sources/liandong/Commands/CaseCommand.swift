import LiandongDomain
import LiandongStore

/// `liandong case …`: the case workflow of DESIGN §8 at the window.
enum CaseCommand {
    static func handler(_ rest: inout [String]) throws -> (inout CommandContext) throws -> Void {
        guard let verb = rest.first else { throw CLIError.usage("缺少 case 子命令") }
        rest.removeFirst()
        switch verb {
        case "accept": return { try accept(&$0, refuse: false) }
        case "refuse": return { try accept(&$0, refuse: true) }
        case "show": return show
        case "list": return list
        case "print": return PrintCommand.run
        case "attach": return CaseFilesCommand.attach
        case "files": return CaseFilesCommand.export
        case "issue": return CaseFilesCommand.issue
        default:
            guard let action = CaseAction.allCases.first(where: { $0.verb == verb && $0 != .accept && $0 != .refuse }) else {
                let verbs = ["accept", "refuse", "show", "list", "print", "files"] + CaseAction.allCases.filter { $0 != .accept && $0 != .refuse }.map(\.verb)
                throw CLIError.usage("未知的 case 子命令 \(verb)，可用：\(verbs.joined(separator: "|"))")
            }
            return { try act(&$0, action) }
        }
    }

    static func accept(_ context: inout CommandContext, refuse: Bool) throws {
        let store = try context.openStore()
        let itemCode = try context.args.required("item", "事项编码")
        let idTypeName = try context.args.optional("id-type") ?? Applicant.IDType.residentID.rawValue
        guard let idType = Applicant.IDType(rawValue: idTypeName) else {
            throw CLIError.usage("--id-type 应为 resident_id 或 credit_code")
        }
        let applicant = Applicant(
            name: try context.args.required("applicant-name", "申请人姓名"), idType: idType,
            idNumber: try context.args.required("applicant-id", "申请人证件号码"),
            phone: try context.args.required("phone", "联系电话"), address: try context.args.optional("address"))
        let mail = try context.args.optional("mail")
        let request = AcceptRequest(
            itemCode: itemCode, applicant: applicant, materials: context.args.all("material"),
            tolerateMissing: context.args.flag("tolerate-missing"),
            delivery: DeliveryPreference(method: mail == nil ? .collect : .mail, mailAddress: mail),
            collectAt: try context.args.optional("collect-at"), actor: try context.actor(),
            refusalReasons: refuse ? context.args.all("reason") : [])
        if refuse, request.refusalReasons.isEmpty { throw CLIError.usage("不予受理必须用 --reason 写明理由（可多次）") }
        try context.args.finish(maxPositionals: 0)
        let state: CaseState
        do {
            state = try store.acceptCase(request)
        } catch CaseError.materialsMissing(let missing) {
            // Not accepted: the one-time notice (行政许可法 art. 32) is recorded as a change, with its
            // number, so the county sees it; the command still fails, since no case exists.
            var failure = CLIError.from(CaseError.materialsMissing(missing))
            let item = try store.item(code: itemCode)
            let recorded = try store.issueOneTimeNotice(request, note: try context.args.optional("note"))
            let notice = Notices.oneTimeNotice(recorded, node: store.identity, tolerable: item?.toleratedMissing ?? false)
            failure.fields["notice"] = .string(notice)
            failure.fields["noticeNumber"] = .string(recorded.number)
            failure.detail = notice
            throw failure
        }
        let view = CaseView(state: state, calendar: try store.calendar(), today: store.today)
        context.console.emit(view.json(masked: false), text: refuse ? Notices.refusal(view, node: store.identity) : Notices.receipt(view, node: store.identity))
    }

    static func show(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        let number = try context.args.positional(0, "办件编号")
        try context.args.finish(maxPositionals: 1)
        let view = try store.caseView(number)
        let files = CaseFilesCommand.listing(view.state, store: store)
        var json = view.json(masked: false)
        if case .object(var fields) = json {
            // The state hash: SHA-256 of the canonical state, equal on every node that holds the same state.
            fields["stateHash"] = .string(Hex.encode(SHA256.hash(view.state.json.canonicalBytes)))
            fields["files"] = files.json
            json = .object(fields)
        }
        context.console.emit(json, text: Notices.detail(view) + files.text)
    }

    static func list(_ context: inout CommandContext) throws {
        let store = try context.openStore()
        var filter = CaseFilter(openOnly: context.args.flag("open"))
        if let state = try context.args.optional("state") {
            guard let status = CaseStatus(rawValue: state) else {
                throw CLIError.usage("--state 应为 " + CaseStatus.allCases.map(\.rawValue).joined(separator: "|"))
            }
            filter.status = status
        }
        if let deadline = try context.args.optional("deadline") {
            guard let status = DeadlineStatus(rawValue: deadline) else { throw CLIError.usage("--deadline 应为 on_time|due_soon|overdue") }
            filter.deadline = status
        }
        filter.itemCode = try context.args.optional("item")
        try context.args.finish(maxPositionals: 0)
        let cases = try store.listCases(filter)
        let marks: [DeadlineStatus: String] = [.onTime: "正常", .dueSoon: "预警", .overdue: "超期"]
        let lines = cases.map { summary in
            Console.pad(summary.number, 30) + Console.pad(summary.json["itemName"]?.stringValue ?? "", 28)
                + Console.pad(summary.status.chineseName, 10) + Console.pad(summary.json["applicant"]?.stringValue ?? "", 8)
                + Console.pad(summary.dueDate?.iso ?? "即办", 12) + (marks[summary.deadlineStatus] ?? "")
        }
        context.console.emit(.array(cases.map(\.json)), text: cases.isEmpty ? "没有符合条件的办件" : lines.joined(separator: "\n"))
    }

    /// Every other verb: read its options into the change payload and record it.
    static func act(_ context: inout CommandContext, _ action: CaseAction) throws {
        let store = try context.openStore()
        let number = try context.args.positional(0, "办件编号")
        let actor = try context.actor()
        let payload = try CasePayloads.payload(for: action, &context.args)
        try context.args.finish(maxPositionals: 1)
        let state = try store.act(on: number, action, payload: payload, actor: actor)
        let view = CaseView(state: state, calendar: try store.calendar(), today: store.today)
        let last = state.timeline.last?.summary ?? action.chineseName
        context.console.emit(view.json(masked: false), text: "办件 \(number)：\(last)\n当前状态：\(state.status.chineseName)")
    }
}
