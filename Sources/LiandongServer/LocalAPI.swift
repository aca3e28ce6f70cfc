import LiandongDomain
import LiandongStore
import LiandongSync

/// LocalAPI answers /api/v1 (staff tools on this machine) and the public status query.
enum LocalAPI {
    static func answer(_ segments: [String], request: HTTPServerRequest, service: SyncService) throws -> JSONValue {
        switch segments.count {
        case 1 where segments[0] == "status":
            return try service.writer.read { store in try NodeStatus.json(store) }
        case 1 where segments[0] == "cases":
            var filter = CaseFilter()
            if let status = request.query["status"] {
                guard let value = CaseStatus(rawValue: status) else { throw SyncError("invalid_message", "未知状态 \(status)", ["field": "status"]) }
                filter.status = value
            }
            filter.itemCode = request.query["item"]
            return try service.writer.read { store in .object(["cases": .array(try store.listCases(filter).map(\.json))]) }
        case 1 where segments[0] == "notices":
            var filter = NoticeFilter(node: try node(request), itemCode: request.query["item"])
            (filter.from, filter.to) = try period(request)
            return try service.writer.read { store in .object(["notices": .array(try store.oneTimeNotices(filter))]) }
        case 1 where segments[0] == "filings":
            var filter = NoticeFilter(node: try node(request), itemCode: request.query["item"])
            (filter.from, filter.to) = try period(request)
            return try service.writer.read { store in .object(["filings": .array(try store.negativeFilings(filter))]) }
        case 2 where segments[0] == "cases":
            return try service.writer.read { store in try store.caseView(segments[1]).json(masked: false) }
        default:
            throw SyncError.notFound("/api/v1/" + segments.joined(separator: "/"))
        }
    }

    /// The `node` query parameter: a division code of 6, 9 or 12 digits when given.
    static func node(_ request: HTTPServerRequest) throws -> String? {
        guard let text = request.query["node"] else { return nil }
        guard NodeCode.role(of: text) != nil else {
            throw SyncError("invalid_message", "node 应为 6、9 或 12 位节点代码", ["field": .string("node")])
        }
        return text
    }

    /// The `from`/`to` query parameters (YYYY-MM-DD) of a period; `from` after `to` is an error.
    static func period(_ request: HTTPServerRequest) throws -> (LocalDate?, LocalDate?) {
        var dates: [LocalDate?] = []
        for name in ["from", "to"] {
            guard let text = request.query[name] else {
                dates.append(nil)
                continue
            }
            guard let date = LocalDate(iso: text) else { throw SyncError("invalid_message", "\(name) 应为 YYYY-MM-DD 格式的日期", ["field": .string(name)]) }
            dates.append(date)
        }
        if let from = dates[0], let to = dates[1], from > to {
            throw SyncError("invalid_message", "开始日期 \(from.iso) 晚于结束日期 \(to.iso)", ["field": .string("from")])
        }
        return (dates[0], dates[1])
    }

    /// The public status of a case: only with its query code, masked; 404 otherwise, so that a
    /// guess cannot tell a wrong code from a missing case.
    static func publicCase(_ number: String, code: String?, writer: StoreWriter) throws -> JSONValue {
        try writer.with { store in
            guard let code, let (state, renumberedFrom) = try store.publicLookup(number: number, code: code) else {
                throw SyncError("not_found", "未找到办件，或查询码不正确")
            }
            let view = try store.caseView(state.number)
            let masked = view.json(masked: true)
            var fields: [String: JSONValue] = [
                "number": .string(state.number), "status": .string(state.status.rawValue), "statusName": .string(state.status.chineseName),
                "applicant": .string(Masking.name(state.applicant.name)), "item": masked["item"]?["name"] ?? .null,
                "acceptedOn": .string(state.acceptedOn.iso), "deadlineStatus": .string(view.deadlineStatus.rawValue),
            ]
            if let due = view.dueDate { fields["dueDate"] = .string(due.iso) }
            if let renumberedFrom {
                // The receipt shows the old number: say where the case is now.
                fields["renumberedFrom"] = .string(renumberedFrom)
                fields["notice"] = .string("您的办件编号已由 \(renumberedFrom) 更改为 \(state.number)，请以新编号查询")
            }
            return .object(fields)
        }
    }
}

/// NodeStatus is `status` as JSON: the store's counts plus the sync view (parent link, per-hop
/// lag, last error, quarantine reports received, children).
public enum NodeStatus {
    public static func json(_ store: NodeStore) throws -> JSONValue {
        guard case .object(var fields) = try store.status() else { return try store.status() }
        let link = try store.parentLink()
        let upward = try store.unackedUpward()
        let now = store.now()
        fields["subtree"] = .array(try store.subtreeView().map { $0.json(now: now) })
        // The root has no parent: no lag toward one.
        let hasParent = NodeCode.parent(of: store.identity.code) != nil
        fields["sync"] = [
            "parentCode": .optional(link.code.flatMap { $0.isEmpty ? nil : $0 }),
            "lastContact": .optional(link.lastContact), "lastError": .optional(link.lastError), "lastErrorAt": .optional(link.lastErrorAt),
            "pullCursor": .int(link.cursor), "unackedUp": hasParent ? .int(upward.count) : .null,
            "oldestUnackedUpSeconds": hasParent ? upward.oldestAge.map { .int($0 / 1000) } ?? .null : .null,
            "reports": .array(try store.receivedReports().map(\.json)),
            "children": .array(try store.childLinks().map { child in
                ["code": .string(child.code), "lastContact": .optional(child.lastContact), "ackedPosition": .int(child.ackedPosition),
                 "unacked": .int(child.unacked), "oldestUnackedSeconds": child.oldestUnackedAge.map { .int($0 / 1000) } ?? .null]
            }),
        ]
        fields["heal"] = try store.healStatus().json
        let (verdict, local, parent) = try store.clockVerdict()
        fields["clock"] = [
            "localTime": .int(local), "parentTime": parent.map { .int($0) } ?? .null, "offsetMillis": .int(verdict.offsetMillis),
            "warning": verdict == .inStep ? .null : .string(ClockSafety.warning(offsetMillis: verdict.offsetMillis, local: local, reference: store.identity.role == .county ? "各乡镇" : "上级")),
            "nodes": .array(try store.nodeClocks().map(\.json)),
            "restamped": .array(try store.restamps().map { ["oldSeq": .int($0.oldSeq), "newSeq": .int($0.newSeq), "entity": .string($0.entity), "kind": .string($0.kind)] }),
            "resolved": .array(try store.clockResolutions().map { ["change": .string($0.change.description), "at": .int($0.at)] }),
        ]
        return .object(fields)
    }
}
