import LiandongDomain
import XCTest

/// possible_duplicate as a pure function of case histories: one record per set of cases of an
/// applicant and item open at once, its id from the set's acceptances, a resolution settling only
/// the set it names.
final class PossibleDuplicatesTests: XCTestCase {
    static let village = CaseFixtures.village
    static let township = CaseFixtures.township
    static let county = CaseFixtures.county
    static let base: Int64 = 1_762_650_000_000

    /// The id a store would give (a hash of idMaterial); the material itself is as good here.
    static func id(_ record: ConflictRecord) -> String { record.idMaterial }

    private var seqs: [String: Int64] = [:]

    private func change(_ number: String, _ origin: String, at minute: Int64, _ kind: String, _ payload: JSONValue = [:]) -> Change {
        let seq = (seqs[origin] ?? 0) + 1
        seqs[origin] = seq
        let time = Self.base + minute * 60_000
        return Change(origin: origin, seq: seq, hlc: HLC(physicalMillis: time, logical: 0), wall: time, actor: "staff",
                      entity: number, kind: kind, payload: payload, parties: [], prev: Change.zeroHash)
    }

    private func accepted(_ number: String, at minute: Int64, origin: String = village, idNumber: String = "11010519491231002X") -> Change {
        var applicant = CaseFixtures.applicant
        if case .object(var fields) = applicant {
            fields["idNumber"] = .string(idNumber)
            applicant = .object(fields)
        }
        return change(number, origin, at: minute, CaseAction.accept.kind, [
            "number": .string(number), "queryCode": "ABCD2345", "item": CaseFixtures.itemJSON(), "applicant": applicant,
            "materials": ["id_card", "household", "income"], "tolerateMissing": false,
        ])
    }

    private func withdrawn(_ number: String, at minute: Int64, origin: String = village) -> Change {
        change(number, origin, at: minute, CaseAction.withdraw.kind, ["reason": "申请人撤回"])
    }

    private func resolved(_ number: String, _ id: String, at minute: Int64, origin: String = county) -> Change {
        change(number, origin, at: minute, ConflictKind.resolved, ["conflict": .string(id), "rule": "possible_duplicate", "note": "已核实", "keep": .null])
    }

    private func histories(_ changes: [Change]) -> [CaseHistory] {
        Dictionary(grouping: changes, by: \.entity).map { CaseHistory(number: $0.key, changes: $0.value) }
    }

    private func sets(_ found: [PossibleDuplicates.Found]) -> [[String]] { found.map(\.record.cases) }

    func testOneRecordPerSetOfCasesOpenAtOnceNotPerPair() throws {
        var log = [
            accepted("A", at: 1), accepted("B", at: 2), withdrawn("B", at: 3), withdrawn("A", at: 4),
            accepted("C", at: 5), accepted("D", at: 6), accepted("E", at: 7), accepted("F", at: 8),
            accepted("X", at: 6, origin: Self.township, idNumber: "440524188001010014"),
        ]
        log.append(withdrawn("C", at: 9))
        let found = PossibleDuplicates.found(in: histories(log), id: Self.id)
        XCTAssertEqual(sets(found), [["A", "B"], ["C", "D", "E", "F"]], "four cases open at once make one record, another applicant none")
        let four = try XCTUnwrap(found.last)
        XCTAssertEqual(four.record.changes.map(\.id.description), ["\(Self.village)#5", "\(Self.village)#6", "\(Self.village)#7", "\(Self.village)#8"])
        XCTAssertEqual(four.record.resolver, Self.county)
        XCTAssertEqual(four.record.values["cases"]?.arrayValue?.count, 4)
        XCTAssertTrue(four.record.message.contains("有 4 件同时在办"), four.record.message)
        XCTAssertNil(four.resolution)
        XCTAssertEqual(four.id, Self.id(four.record))
    }

    func testTheIdIsTheSetsAcceptancesWhateverElseHappened() {
        let a = accepted("A", at: 1), b = accepted("B", at: 2)
        let open = PossibleDuplicates.found(in: histories([a, b]), id: Self.id)
        let closed = PossibleDuplicates.found(in: Array(histories([withdrawn("B", at: 3), b, a, withdrawn("A", at: 5)]).reversed()), id: Self.id)
        XCTAssertEqual(open.map(\.id), closed.map(\.id))
        XCTAssertEqual(open.map(\.record), closed.map(\.record), "the same content, in any order of arrival")
    }

    func testAChainOfOverlapsIsOneSetAndAnEarlierClosingSplitsIt() {
        // A [2, 8), B [6, 12), C [10, 16): A and C never meet, B links them.
        let base = [accepted("A", at: 2), accepted("B", at: 6), withdrawn("A", at: 8), accepted("C", at: 10), withdrawn("C", at: 16)]
        XCTAssertEqual(sets(PossibleDuplicates.found(in: histories(base + [withdrawn("B", at: 12)]), id: Self.id)), [["A", "B", "C"]])
        // B withdrawn at 7 instead (before A closes, before C opens): B and A, and C alone.
        let early = withdrawn("B", at: 7)
        XCTAssertEqual(sets(PossibleDuplicates.found(in: histories(base + [early]), id: Self.id)), [["A", "B"]])
    }

    func testAResolutionSettlesTheSetItNamesAndNoLargerOne() throws {
        let log = [accepted("A", at: 1), accepted("B", at: 2)]
        let pair = try XCTUnwrap(PossibleDuplicates.found(in: histories(log), id: Self.id).first)
        // A village below the resolver records one: kept in the log, settles nothing.
        let fromVillage = resolved("A", pair.id, at: 3, origin: Self.village)
        let byCounty = resolved("A", pair.id, at: 4)
        XCTAssertNil(PossibleDuplicates.found(in: histories(log + [fromVillage]), id: Self.id).first?.resolution)
        let settled = try XCTUnwrap(PossibleDuplicates.found(in: histories(log + [fromVillage, byCounty]), id: Self.id).first)
        XCTAssertEqual(settled.resolution?.ref.id, byCounty.id)
        XCTAssertEqual(settled.id, pair.id)

        // A third case opens: a new set, a new id, open again; the old resolution stays on A's history.
        let grown = PossibleDuplicates.found(in: histories(log + [fromVillage, byCounty, accepted("C", at: 5)]), id: Self.id)
        XCTAssertEqual(sets(grown), [["A", "B", "C"]])
        XCTAssertNotEqual(grown.first?.id, pair.id)
        XCTAssertNil(grown.first?.resolution)
    }

    func testTheCountysResolutionOfAWholeSetSettlesThePartANodeHolds() throws {
        // The county holds A and B (the village's) and T (the township's): one set of three.
        let a = accepted("A", at: 1), b = accepted("B", at: 2), t = accepted("T", at: 3, origin: Self.township)
        let whole = try XCTUnwrap(PossibleDuplicates.found(in: histories([a, b, t]), id: Self.id).first)
        XCTAssertEqual(whole.record.cases, ["A", "B", "T"])
        // Resolved as `conflicts resolve` does: on every case of the set.
        let resolutions = ["A", "B", "T"].enumerated().map { resolved($1, whole.id, at: 10 + Int64($0)) }
        XCTAssertEqual(PossibleDuplicates.found(in: histories([a, b, t] + resolutions), id: Self.id).first?.resolution?.ref.id, resolutions[0].id)

        // The village holds A and B only: its own set, its own id, settled by the county's resolution of the whole.
        let atVillage = try XCTUnwrap(PossibleDuplicates.found(in: histories([a, b] + resolutions.prefix(2)), id: Self.id).first)
        XCTAssertNotEqual(atVillage.id, whole.id)
        XCTAssertEqual(atVillage.resolution?.ref.id, resolutions[0].id)
        // Until the resolution of both its cases arrives, it is open.
        XCTAssertNil(PossibleDuplicates.found(in: histories([a, b, resolutions[0]]), id: Self.id).first?.resolution)
        // A fourth case opens at the village: the set grew beyond what the county checked.
        let grown = PossibleDuplicates.found(in: histories([a, b, accepted("C", at: 20)] + resolutions.prefix(2)), id: Self.id)
        XCTAssertEqual(sets(grown), [["A", "B", "C"]])
        XCTAssertNil(grown.first?.resolution)
        // A resolution from below the resolver settles nothing, whatever it names.
        let fromVillage = ["A", "B"].map { resolved($0, whole.id, at: 30, origin: Self.village) }
        XCTAssertNil(PossibleDuplicates.found(in: histories([a, b] + fromVillage), id: Self.id).first?.resolution)
    }
}

private extension Change {
    var id: ChangeID { ChangeID(origin: origin, seq: seq) }
}
