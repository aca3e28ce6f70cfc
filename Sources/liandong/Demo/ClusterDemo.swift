import Foundation
import LiandongDomain

/// ClusterDemo plays DESIGN §1's day across a county, two townships and three villages, each a
/// `liandong serve` process on loopback: enrollment, the catalog and calendar going down, three
/// cases going up and their decisions and results coming back, then the proof that every node
/// holding a case holds the same state for it.
struct ClusterDemo {
    let cluster: DemoCluster
    let examples: String
    /// Cases the story made: number, item name, the node that accepted it.
    private(set) var cases: [(number: String, item: String, acceptor: DemoNode)] = []
    private(set) var comparison: [JSONValue] = []
    private(set) var verification: [JSONValue] = []

    init(cluster: DemoCluster, examples: String) {
        self.cluster = cluster
        self.examples = examples
    }

    var county: DemoNode { cluster.node("330106") }
    var sandun: DemoNode { cluster.node("330106109") }
    var shuangpu: DemoNode { cluster.node("330106110") }
    var raocheng: DemoNode { cluster.node("330106109201") }
    var lanli: DemoNode { cluster.node("330106109202") }
    var tongjianhu: DemoNode { cluster.node("330106110201") }

    func say(_ node: DemoNode?, _ text: String) { cluster.say(node, text) }

    mutating func play() throws {
        try startCounty()
        for node in cluster.nodes where node.parent != nil { try enroll(node) }
        try waitForCatalogEverywhere()
        try countyDecidedCaseWithSupplement()
        try townshipDecidedCase()
        try townshipSupplementCase()
        try compareStates()
        try verifyEveryNode()
    }

    // MARK: Setting up the county

    func startCounty() throws {
        say(nil, "临时目录 \(cluster.root)；六个节点都是本程序的 liandong serve 进程，只监听 127.0.0.1")
        try cluster.assignPort(county)
        try cluster.run(county, ["init", "--role", "county", "--code", county.code, "--name", county.name, "--listen", county.listen])
        let catalog = try cluster.run(county, ["catalog", "import", examples + "/catalog.json"])
        try cluster.run(county, ["calendar", "set", examples + "/calendar-2026.json"])
        say(county, "初始化完成，发布事项目录（\(itemCount(catalog)) 个事项）与 2026 年工作日历")
        try cluster.startServer(county)
        say(county, "服务已启动：\(county.url)")
    }

    /// `node add` at the parent, then `init --parent --enroll` and `serve` at the child.
    func enroll(_ node: DemoNode) throws {
        guard let parent = node.parent else { return }
        let added = try cluster.run(parent, ["node", "add", "--code", node.code, "--role", node.role.rawValue, "--name", node.name])
        guard let token = added["token"]?.stringValue, !token.isEmpty else {
            throw DemoFailure("\(parent.label) 的 node add 没有给出注册令牌（--json 输出中缺少 token）")
        }
        say(parent, "为\(node.role.chineseName)「\(node.name)」签发一次性注册令牌")
        try cluster.assignPort(node)
        try cluster.run(node, [
            "init", "--role", node.role.rawValue, "--code", node.code, "--name", node.name, "--listen", node.listen,
            "--parent", parent.url, "--enroll", token,
        ])
        try cluster.startServer(node)
        say(node, "已向\(parent.name)注册公钥，服务已启动：\(node.url)")
    }

    func waitForCatalogEverywhere() throws {
        let expected = try itemCount(cluster.run(county, ["catalog", "list"]))
        for node in cluster.nodes where node.parent != nil {
            try cluster.waitUntil("\(node.label) 未收到事项目录（\(expected) 个事项）和 2026 年工作日历") {
                let status = try cluster.run(node, ["status"])
                let years = status["calendarYears"]?.arrayValue?.compactMap(\.intValue) ?? []
                return status["items"]?.intValue == Int64(expected) && years.contains(2026)
            }
        }
        say(nil, "事项目录（\(expected) 个事项）与 2026 年工作日历已到达全部 \(cluster.nodes.count) 个节点")
    }

    func itemCount(_ json: JSONValue) -> Int {
        json.arrayValue?.count ?? json["published"]?.arrayValue?.count ?? 0
    }

    // MARK: The story

    /// 最低生活保障: accepted at a village with materials missing (容缺), preliminary review and
    /// forward at the township, a supplement requested by the county and recorded at the village,
    /// approval and the result at the county, delivery and evaluation back at the village.
    mutating func countyDecidedCaseWithSupplement() throws {
        let village = raocheng, township = sandun
        let number = try accept(
            at: village, item: "000105001000", itemName: "最低生活保障申请", applicant: ("张桂英", "11010519491231002X", "13812345678"),
            materials: ["application", "id_card", "household_register", "verification_consent"], tolerateMissing: true,
            note: "（区级决定；缺收入、财产申报，容缺受理）")
        try act(village, number, "forward", ["--opinion", "材料已核对，报镇初审"], "上报三墩镇初审")
        try arrive(township, number, state: "forwarded", what: "上报")
        try act(township, number, "review", ["--opinion", "初审通过"], "初审通过")
        try act(township, number, "forward", ["--opinion", "报区审批"], "上报区政务服务中心")
        try arrive(county, number, state: "forwarded", what: "上报", check: { $0["holder"]?.stringValue == "330106" })
        try act(county, number, "review", ["--opinion", "进入审查"], "首席审批员开始审查")
        try act(county, number, "request-supplement",
                ["--material", "income_statement", "--material", "property_statement", "--note", "请一次补齐"],
                "一次性补正告知：家庭收入申报、家庭财产申报；计时暂停")
        try arrive(village, number, state: "awaiting_supplement", what: "补正告知")
        try act(village, number, "supplement", ["--material", "income_statement", "--material", "property_statement"],
                "申请人补齐收入、财产申报，补正材料已录入")
        try arrive(county, number, state: "under_review", what: "补正材料")
        try act(county, number, "approve", ["--opinion", "符合最低生活保障条件"], "准予")
        try act(county, number, "issue", ["--document-name", "最低生活保障证", "--document-number", "西民低保〔2026〕118号"],
                "出具「最低生活保障证」（西民低保〔2026〕118号）")
        try arrive(village, number, state: "result_ready", what: "准予决定与结果文书",
                   check: { $0["decision"]?["approved"]?.boolValue == true })
        try deliverAndEvaluate(village, number, level: 1, comment: "在村里就办好了，不用跑区里")
    }

    /// 农村村民宅基地申请: accepted at a village, decided by its township, result back to the village.
    mutating func townshipDecidedCase() throws {
        let village = lanli, township = sandun
        let number = try accept(
            at: village, item: "000101105000", itemName: "农村村民宅基地申请", applicant: ("王建国", "110105196803150011", "13700002222"),
            materials: ["application", "id_card", "household_register", "collective_resolution", "homestead_commitment"],
            tolerateMissing: false, note: "（镇级决定）")
        try act(village, number, "forward", ["--opinion", "村民会议已通过"], "上报三墩镇")
        try arrive(township, number, state: "forwarded", what: "上报")
        try act(township, number, "review", ["--opinion", "现场踏勘符合规划"], "审查")
        try act(township, number, "approve", ["--opinion", "同意使用宅基地"], "准予")
        try act(township, number, "issue", ["--document-name", "农村宅基地批准书", "--document-number", "三墩宅〔2026〕7号"],
                "出具「农村宅基地批准书」")
        try arrive(village, number, state: "result_ready", what: "准予决定与结果文书",
                   check: { $0["decision"]?["approved"]?.boolValue == true })
        try deliverAndEvaluate(village, number, level: 2, comment: "手续清楚")
    }

    /// 临时救助申请 at the other township's village: the township asks for a supplement, the
    /// village records it, the township decides.
    mutating func townshipSupplementCase() throws {
        let village = tongjianhu, township = shuangpu
        let number = try accept(
            at: village, item: "000105003000", itemName: "临时救助申请", applicant: ("李秀兰", "110105197502280028", "13900001111"),
            materials: ["application", "id_card", "household_register"], tolerateMissing: true,
            note: "（镇级决定；缺困难情况证明，容缺受理）")
        try act(village, number, "forward", nil, "上报双浦镇")
        try arrive(township, number, state: "forwarded", what: "上报")
        try act(township, number, "request-supplement", ["--material", "hardship_proof", "--note", "请补交困难情况证明"],
                "一次性补正告知：困难情况证明")
        try arrive(village, number, state: "awaiting_supplement", what: "补正告知")
        try act(village, number, "supplement", ["--material", "hardship_proof"], "补正材料已录入")
        try arrive(township, number, state: "forwarded", what: "补正材料", check: { $0["supplement"]?.isNull ?? false })
        try act(township, number, "review", ["--opinion", "情况属实"], "审查")
        try act(township, number, "approve", ["--opinion", "给予临时救助"], "准予")
        try act(township, number, "issue", ["--document-name", "临时救助决定书"], "出具「临时救助决定书」")
        try arrive(village, number, state: "result_ready", what: "准予决定与结果文书")
        try deliverAndEvaluate(village, number, level: 1, comment: nil)
    }

    mutating func accept(
        at node: DemoNode, item: String, itemName: String, applicant: (name: String, id: String, phone: String),
        materials: [String], tolerateMissing: Bool, note: String
    ) throws -> String {
        var arguments = ["case", "accept", "--item", item, "--applicant-name", applicant.name, "--applicant-id", applicant.id,
                         "--phone", applicant.phone, "--actor", "代办员"]
        arguments += materials.flatMap { ["--material", $0] }
        if tolerateMissing { arguments.append("--tolerate-missing") }
        let accepted = try cluster.run(node, arguments)
        guard let number = accepted["number"]?.stringValue else { throw DemoFailure("\(node.label) 受理后没有办件编号") }
        cases.append((number, itemName, node))
        say(node, "受理「\(itemName)」\(note)，办件编号 \(number)")
        return number
    }

    func act(_ node: DemoNode, _ number: String, _ verb: String, _ options: [String]?, _ text: String) throws {
        let actor = node.role == .village ? "代办员" : (node.role == .township ? "窗口" : "首席审批员")
        try cluster.run(node, ["case", verb, number, "--actor", actor] + (options ?? []))
        say(node, "\(number) \(text)")
    }

    func arrive(_ node: DemoNode, _ number: String, state: String, what: String, check: (JSONValue) -> Bool = { _ in true }) throws {
        try cluster.waitForCase(node, number, state: state, what: what, check: check)
        say(node, "\(number) 的\(what)已到达（状态：\(CaseStatus(rawValue: state)?.chineseName ?? state)）")
    }

    func deliverAndEvaluate(_ village: DemoNode, _ number: String, level: Int, comment: String?) throws {
        try act(village, number, "deliver", ["--method", "collected"], "申请人到村代办点领取，已送达")
        let names = [1: "非常满意", 2: "满意", 3: "基本满意", 4: "不满意", 5: "非常不满意"]
        try act(village, number, "evaluate", ["--level", String(level)] + (comment.map { ["--comment", $0] } ?? []),
                "评价：\(names[level] ?? String(level))")
    }

    // MARK: The proof

    /// Waits until every node on the path from each case's village to the county holds the
    /// same state hash for it, and no node outside that path holds it; then prints the table.
    mutating func compareStates() throws {
        var hashes: [String: [String: String]] = [:]
        var problem = ""
        let agreed: Bool
        do {
            try cluster.waitUntil("办件状态未在全部节点一致：\(problem)") {
                hashes = [:]
                problem = ""
                for entry in cases {
                    let holders = Set(entry.acceptor.pathToRoot.map(\.code))
                    var row: [String: String] = [:]
                    for node in cluster.nodes {
                        let hash = try cluster.caseAt(node, entry.number)?["stateHash"]?.stringValue
                        row[node.code] = hash
                        if holders.contains(node.code), hash == nil, problem.isEmpty { problem = "\(node.label) 没有办件 \(entry.number)" }
                        if !holders.contains(node.code), hash != nil, problem.isEmpty { problem = "\(node.label) 不应持有办件 \(entry.number)" }
                    }
                    if Set(row.values).count > 1, problem.isEmpty { problem = "办件 \(entry.number) 的状态哈希不同" }
                    hashes[entry.number] = row
                }
                return problem.isEmpty
            }
            agreed = true
        } catch let failure as DemoFailure {
            printTable(hashes)
            throw failure
        }
        printTable(hashes)
        comparison = cases.map { entry in
            let row = hashes[entry.number] ?? [:]
            return ["number": .string(entry.number), "item": .string(entry.item), "acceptedAt": .string(entry.acceptor.code),
                    "stateHashes": .object(row.mapValues { .string($0) }), "agree": .bool(agreed)]
        }
        say(nil, "\(cases.count) 个办件在持有它们的全部节点上状态一致（状态哈希相同），其他节点不持有")
    }

    func printTable(_ hashes: [String: [String: String]]) {
        guard cluster.printSteps else { return }
        let letters = ["A", "B", "C", "D", "E", "F"]
        var text = "\n状态哈希（SHA-256 前 8 位；- 表示该节点不持有此办件）\n"
        for (index, entry) in cases.enumerated() {
            text += "  \(letters[index % letters.count]) = \(entry.number) \(entry.item)\n"
        }
        text += Console.pad("  节点", 40) + cases.indices.map { Console.pad(letters[$0 % letters.count], 12) }.joined() + "\n"
        for node in cluster.nodes {
            text += Console.pad("  " + node.label, 40)
            for entry in cases {
                text += Console.pad(hashes[entry.number]?[node.code].map { String($0.prefix(8)) } ?? "-", 12)
            }
            text += "\n"
        }
        Console.stdout(text + "\n")
    }

    /// `verify` at every node: every hash, chain link and signature, every case replayed.
    mutating func verifyEveryNode() throws {
        var failed: [String] = []
        for node in cluster.nodes {
            let outcome = try cluster.attempt(node, ["verify"])
            let report = outcome.json ?? .null
            let ok = outcome.succeeded && report["ok"]?.boolValue == true
            verification.append(["node": .string(node.code), "ok": .bool(ok), "changes": report["changes"] ?? .null,
                                 "signatures": report["signatures"] ?? .null, "cases": report["cases"] ?? .null])
            if ok {
                say(node, "核验通过：\(report["changes"]?.intValue ?? 0) 条变更、\(report["signatures"]?.intValue ?? 0) 个签名、\(report["cases"]?.intValue ?? 0) 个办件")
            } else {
                failed.append(node.label)
                say(node, "核验未通过：\(outcome.message)")
            }
        }
        if !failed.isEmpty { throw DemoFailure("核验未通过：" + failed.joined(separator: "、")) }
    }

    var summary: JSONValue {
        ["nodes": .array(cluster.nodes.map(\.json)),
         "cases": .array(comparison.isEmpty ? cases.map { ["number": .string($0.number), "item": .string($0.item), "acceptedAt": .string($0.acceptor.code)] } : comparison),
         "verify": .array(verification), "steps": .array(cluster.steps), "elapsedMs": .int(cluster.elapsedMillis)]
    }
}
