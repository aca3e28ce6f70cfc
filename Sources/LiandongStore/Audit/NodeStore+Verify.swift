import Foundation
import LiandongDomain

/// VerifyProblem is one thing `verify` found wrong, with the case and change it concerns.
public struct VerifyProblem: Sendable {
    public let code: String
    public let entity: String?
    public let change: ChangeID?
    public let message: String

    public var json: JSONValue {
        ["code": .string(code), "entity": .optional(entity), "change": .optional(change?.description), "message": .string(message)]
    }
}

/// VerifyReport is the result of re-deriving everything from the log and checking every signature.
public struct VerifyReport: Sendable {
    public var changesChecked = 0
    public var signaturesChecked = 0
    public var casesChecked = 0
    public var problems: [VerifyProblem] = []
    public var isClean: Bool { problems.isEmpty }
}

extension NodeStore {
    /// Proves that the state is what the log says (DESIGN §5): every hash recomputed, every chain
    /// link followed, every signature checked, each chain head compared with the last change held,
    /// every case replayed and compared with its stored state, and the catalog and calendar
    /// re-derived and compared with theirs.
    /// `signatures: false` skips the Ed25519 checks, `log: false` the hashes, chains, catalog and
    /// calendar, checking only the state derived from cases (the convergence harness samples the rest).
    public func verify(signatures: Bool = true, log: Bool = true) throws -> VerifyReport {
        var report = VerifyReport()
        try db.read { db in
            if log { try verifyChains(&report, signatures: signatures, db: db) }
            try verifyCases(&report, nonCase: log, db: db)
            if log { try verifyPublished(&report, db: db) }
            if log { try verifyRegistry(&report, db: db) }
            if log { try verifyBlobs(&report) }
            if log, let broken = try verifyAuditTrail().firstBroken {
                report.problems.append(VerifyProblem(code: "audit_trail_broken", entity: nil, change: nil,
                                                     message: "审计记录第 \(broken) 条的哈希与链不符：审计记录被改动或删除"))
            }
        }
        return report
    }

    private func verifyChains(_ report: inout VerifyReport, signatures: Bool, db: Database) throws {
        var previous: Change?
        var ownExpected: Int64 = 1
        let declaredLost = try declaredLostSeqs(db: db)
        var unknownOrigins: Set<String> = []
        var lastHeld: [String: Change] = [:]
        let statement = try db.prepare("SELECT \(NodeStore.changeColumns) FROM changes ORDER BY origin, seq")
        while try statement.step() {
            let change: Change
            do {
                change = try NodeStore.decodeChange(statement)
            } catch {
                report.problems.append(VerifyProblem(code: "unreadable_change", entity: statement.text(5), change: ChangeID(origin: statement.text(0), seq: statement.int64(1)),
                                                     message: "变更 \(statement.text(0))#\(statement.int64(1)) 无法解析：\(error)"))
                continue
            }
            report.changesChecked += 1
            let id = ChangeID(origin: change.origin, seq: change.seq)
            if SHA256.hash(change.signingBody) != change.hash {
                report.problems.append(VerifyProblem(code: "bad_hash", entity: change.entity, change: id,
                                                     message: "变更 \(id) 的内容与其哈希不符：数据库中的记录被改动过（办件/对象 \(change.entity)）"))
            }
            if let previous, previous.origin == change.origin, previous.seq + 1 == change.seq, change.prev != previous.hash {
                report.problems.append(VerifyProblem(code: "broken_chain", entity: change.entity, change: id,
                                                     message: "变更 \(id) 与前一变更的哈希链断开（办件/对象 \(change.entity)）"))
            }
            // A receiver may check only the last signature of a contiguous run (DESIGN §5), but verify
            // checks every one: a bad signature inside a run is refused by the parent the day it ends a batch.
            if !signatures {
            } else if let keys = originKeys(of: change.origin), keys.current != nil {
                // The key of the change's seq in the origin's history (a re-enrolled node's old chain keeps its old key).
                report.signaturesChecked += 1
                switch keys.judge(change) {
                case .valid: break
                case .retiredKey(let cutOver):
                    report.problems.append(VerifyProblem(code: QuarantineReason.retiredKey, entity: change.entity, change: id,
                                                         message: "变更 \(id) 用节点 \(change.origin) 已于 #\(cutOver) 起停用的旧密钥签名（办件/对象 \(change.entity)）"))
                case .invalid:
                    report.problems.append(VerifyProblem(code: "bad_signature", entity: change.entity, change: id,
                                                         message: "变更 \(id) 的签名无效（办件/对象 \(change.entity)）"))
                }
            } else if unknownOrigins.insert(change.origin).inserted {
                report.problems.append(VerifyProblem(code: "unknown_origin", entity: change.entity, change: id,
                                                     message: "没有节点 \(change.origin) 的公钥，无法核验签名"))
            }
            if change.origin == identity.code {
                // Seqs a heal declared lost (they existed only here, after the backup) are no gap.
                while change.seq > ownExpected, declaredLost.contains(ownExpected) { ownExpected += 1 }
                if change.seq != ownExpected {
                    report.problems.append(VerifyProblem(code: "sequence_gap", entity: change.entity, change: id,
                                                         message: "本节点的变更序号不连续：缺少 \(id) 之前的变更"))
                }
                ownExpected = change.seq + 1
            }
            previous = change
            lastHeld[change.origin] = change
        }
        try verifyHeads(lastHeld, &report, db: db)
    }

    /// Compares each chain head this node keeps (`origins`) with the last change it holds: a log that
    /// lost its newest changes still has their head there, and nothing else would show it.
    private func verifyHeads(_ lastHeld: [String: Change], _ report: inout VerifyReport, db: Database) throws {
        var headed: Set<String> = []
        try db.forEachRow("SELECT origin, last_seq, last_hash FROM origins ORDER BY origin") { row in
            guard let origin = row.text("origin"), let seq = row.int64("last_seq") else { return }
            headed.insert(origin)
            let held = lastHeld[origin]
            guard held?.seq != seq || held?.hash != row.blob("last_hash") else { return }
            report.problems.append(VerifyProblem(code: "head_mismatch", entity: held?.entity, change: ChangeID(origin: origin, seq: seq),
                                                 message: "节点 \(origin) 的链头记为 #\(seq)，日志中最后一条却是 #\(held?.seq ?? 0)：日志的末尾丢失或被改动过"))
        }
        for origin in lastHeld.keys.sorted() where !headed.contains(origin) {
            guard let held = lastHeld[origin] else { continue }
            report.problems.append(VerifyProblem(code: "head_mismatch", entity: held.entity, change: ChangeID(origin: origin, seq: held.seq),
                                                 message: "日志中有节点 \(origin) 的变更，却没有它的链头记录"))
        }
    }

    /// Replays every case and compares each stored column of its row (status, holder, clock,
    /// completed_on, …, state and its hash, closed_hlc) with what the replay gives, then re-derives
    /// every conflict record (content, cases, resolution) and compares it with the table; the
    /// possible duplicates by the rule the store writes them with (PossibleDuplicates), one sweep
    /// per group, and the cases each is named on (conflict_cases).
    private func verifyCases(_ report: inout VerifyReport, nonCase: Bool, db: Database) throws {
        var stored: [String: Row] = [:]
        try db.forEachRow("SELECT \(NodeStore.caseColumns.joined(separator: ", ")) FROM cases") { row in
            guard let number = row.text("number") else { return }
            if let text = row.text("state"), SHA256.hash(Array(text.utf8)) != row.blob("state_hash") ?? [] {
                report.problems.append(VerifyProblem(code: "state_edited", entity: number, change: nil,
                                                     message: "办件 \(number) 的状态记录与其哈希不符：被改动过"))
            }
            stored[number] = row
        }
        var expectedConflicts: [String: [String: String]] = [:]  // entity → id → detail + resolution
        func expect(_ record: ConflictRecord, _ resolution: ConflictResolution?, on entity: String) {
            expectedConflicts[entity, default: [:]][NodeStore.conflictID(record)] =
                record.json.canonicalString + "|" + (resolution?.json.canonicalString ?? "")
        }
        let entities = try db.query("SELECT DISTINCT entity FROM changes WHERE kind LIKE 'case.%' OR kind = ? ORDER BY entity",
                                    [.text(ConflictKind.resolved)]).compactMap { $0.text("entity") }
        var histories: [CaseHistory] = []
        // The figures each case should carry, counted on the calendar held now.
        let calendar = WorkingCalendar(years: try calendarYears())
        var expectedFigures: [String: KeptFigures] = [:]
        for number in entities {
            let history = CaseHistory(number: number, changes: try changes(ofEntity: number))
            histories.append(history)
            if history.state != nil || !history.early.isEmpty || !history.records.isEmpty {
                for (record, resolution) in try caseRecords(history) { expect(record, resolution, on: number) }
            }
            guard let state = history.state else {
                if history.early.isEmpty, history.records.isEmpty { continue }
                report.casesChecked += 1
                if stored[number] != nil {
                    report.problems.append(VerifyProblem(code: "state_without_acceptance", entity: number, change: nil,
                                                         message: "办件 \(number) 有状态记录，但日志中没有它的受理"))
                }
                stored[number] = nil
                continue
            }
            report.casesChecked += 1
            expectedFigures[number] = CaseStatistics.kept(CaseFacts(state), clock: CaseClock(state: state), calendar: calendar)
            guard let row = stored[number] else {
                report.problems.append(VerifyProblem(code: "state_missing", entity: number, change: nil, message: "办件 \(number) 在日志中存在，但没有状态记录"))
                continue
            }
            let want = NodeStore.caseRow(state, last: history.last, opened: history.opened, closed: history.closed)
            var differing: [String] = []
            for (index, column) in NodeStore.caseColumns.enumerated() where row[column] != want[index] {
                differing.append(column)
            }
            let columns = differing.filter { $0 != "state" && $0 != "state_hash" }
            let edited = row.text("state").map { SHA256.hash(Array($0.utf8)) != row.blob("state_hash") ?? [] } ?? true
            if differing.contains("state") || differing.contains("state_hash") {
                // An edited text is already reported as state_edited; a consistent forgery is a mismatch.
                if !edited {
                    let also = columns.isEmpty ? "" : "（字段 \(columns.joined(separator: "、")) 亦不一致）"
                    report.problems.append(VerifyProblem(code: "state_mismatch", entity: number, change: nil,
                                                         message: "办件 \(number) 的状态与日志重放结果不一致" + also))
                }
            } else if !columns.isEmpty {
                report.problems.append(VerifyProblem(code: "column_mismatch", entity: number, change: nil,
                                                     message: "办件 \(number) 的字段 \(columns.joined(separator: "、")) 与日志重放结果不一致：被改动过"))
            }
            stored[number] = nil
        }
        try verifyFigures(expectedFigures, &report, db: db)
        for number in stored.keys.sorted() {
            report.problems.append(VerifyProblem(code: "orphan_state", entity: number, change: nil, message: "办件 \(number) 有状态记录，但日志中没有任何变更"))
        }
        var expectedCases: Set<[String]> = []  // [entity, id] of conflict_cases
        for found in PossibleDuplicates.found(in: histories, id: NodeStore.conflictID) {
            guard let first = found.record.cases.first else { continue }
            expect(found.record, found.resolution, on: first)
            for number in found.record.cases { expectedCases.insert([number, found.id]) }
        }
        try verifyDuplicateCases(expectedCases, only: nonCase ? nil : Set(entities), &report, db: db)
        for change in try nonCase ? nonCaseChanges(db: db) : [] {
            if let (rule, message) = ChangeKinds.problem(of: change) {
                expect(ChangeKinds.refusal(change, rule: rule, message: message), nil, on: change.entity)
            }
        }
        try verifyConflicts(expectedConflicts, only: nonCase ? nil : Set(entities), &report, db: db)
    }

    /// Compares the cases each possible duplicate is named on with the sets derived from the log.
    private func verifyDuplicateCases(_ expected: Set<[String]>, only entities: Set<String>?, _ report: inout VerifyReport, db: Database) throws {
        var expected = expected
        try db.forEachRow("SELECT entity, id FROM conflict_cases ORDER BY entity, id") { row in
            guard let entity = row.text("entity"), let id = row.text("id") else { return }
            if let entities, !entities.contains(entity) { return }
            if expected.remove([entity, id]) == nil {
                report.problems.append(VerifyProblem(code: "conflict_orphan", entity: entity, change: nil,
                                                     message: "疑似重复申请记录 \(id) 列在办件 \(entity) 上，但日志推不出：被改动过"))
            }
        }
        for pair in expected.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            report.problems.append(VerifyProblem(code: "conflict_missing", entity: pair[0], change: nil,
                                                 message: "日志推出疑似重复申请记录 \(pair[1]) 在办件 \(pair[0]) 上，但记录中没有"))
        }
    }

    /// Compares the conflicts table with the records derived from the log.
    private func verifyConflicts(_ expected: [String: [String: String]], only entities: Set<String>?, _ report: inout VerifyReport, db: Database) throws {
        var expected = expected
        try db.forEachRow("SELECT id, entity, detail, resolution FROM conflicts ORDER BY entity, id") { row in
            guard let id = row.text("id"), let entity = row.text("entity") else { return }
            if let entities, !entities.contains(entity) { return }
            let have = (row.text("detail") ?? "") + "|" + (row.text("resolution") ?? "")
            guard let want = expected[entity]?.removeValue(forKey: id) else {
                report.problems.append(VerifyProblem(code: "conflict_orphan", entity: entity, change: nil,
                                                     message: "冲突记录 \(id)（\(entity)）无法由日志推出：被改动过"))
                return
            }
            if want != have {
                report.problems.append(VerifyProblem(code: "conflict_mismatch", entity: entity, change: nil,
                                                     message: "冲突记录 \(id)（\(entity)）的内容或处理结果与日志推出的不一致：被改动过"))
            }
        }
        for (entity, records) in expected.sorted(by: { $0.key < $1.key }) {
            for id in records.keys.sorted() {
                report.problems.append(VerifyProblem(code: "conflict_missing", entity: entity, change: nil,
                                                     message: "日志推出冲突 \(id)（\(entity)），但冲突表中没有它" + (ProcessInfo.processInfo.environment["LIANDONG_VERIFY_DETAIL"] != nil ? "：\(records[id] ?? "")" : "")))
            }
        }
    }

    /// Re-derives what the county published (items, calendar years, settings) from the log with
    /// the same fold the store applies (CountyPublication) and compares it with the tables: an edited
    /// item changes the limits and materials of every case accepted after it, and no case replay
    /// would show it.
    private func verifyPublished(_ report: inout VerifyReport, db: Database) throws {
        var published: [Change] = []
        let statement = try db.prepare("SELECT \(NodeStore.changeColumns) FROM changes WHERE kind IN (?, ?, ?) ORDER BY lsn")
        try statement.bind(CatalogKind.itemPublished, at: 1)
        try statement.bind(CatalogKind.calendarYearSet, at: 2)
        try statement.bind(EvaluationSettings.kind, at: 3)
        while try statement.step() {
            if let change = try? NodeStore.decodeChange(statement) { published.append(change) }
        }
        let expected = CountyPublication.fold(published)
        var stored: [String: (json: String, hlc: Int64, origin: String)] = [:]
        try db.forEachRow("SELECT code, json, hlc, origin FROM items") { row in
            stored[EntityName.item(row.text("code") ?? "")] = (row.text("json") ?? "", row.int64("hlc") ?? 0, row.text("origin") ?? "")
        }
        try db.forEachRow("SELECT year, json, hlc, origin FROM calendar_years") { row in
            stored[EntityName.calendar(Int(row.int64("year") ?? 0))] = (row.text("json") ?? "", row.int64("hlc") ?? 0, row.text("origin") ?? "")
        }
        try db.forEachRow("SELECT kind, json, hlc, origin FROM county_settings") { row in
            stored[row.text("kind") ?? ""] = (row.text("json") ?? "", row.int64("hlc") ?? 0, row.text("origin") ?? "")
        }
        for entity in Set(expected.keys).union(stored.keys).sorted() {
            let want = expected[entity]
            let have = stored[entity]
            let id = want.map { ChangeID(origin: $0.origin, seq: $0.seq) }
            if let want, let have {
                if have.json != want.json.canonicalString || have.hlc != want.hlc.rawValue || have.origin != want.origin {
                    report.problems.append(VerifyProblem(code: "published_mismatch", entity: entity, change: id,
                                                         message: "\(entity) 的记录与日志中最后发布的版本（\(id?.description ?? "")）不一致：被改动过"))
                }
            } else if want != nil {
                report.problems.append(VerifyProblem(code: "published_missing", entity: entity, change: id,
                                                     message: "\(entity) 在日志中已发布（\(id?.description ?? "")），但没有它的记录"))
            } else {
                report.problems.append(VerifyProblem(code: "published_orphan", entity: entity, change: nil,
                                                     message: "\(entity) 有记录，但日志中没有发布它的变更"))
            }
        }
    }

    /// The key a node signs its new changes with: this node's own, or the registry's newest for it.
    func publicKey(of origin: String) -> Ed25519PublicKey? {
        originKeys(of: origin)?.current
    }
}
