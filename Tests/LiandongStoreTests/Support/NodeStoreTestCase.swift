import Foundation
import LiandongDomain
import LiandongStore
import XCTest

/// NodeStoreTestCase gives each test a fresh temporary directory for its nodes and a clock the test
/// moves by hand; the directory is removed in tearDown.
class NodeStoreTestCase: XCTestCase {
    static let countyCode = "330106"

    private(set) var root = ""
    private(set) var clock = TestClock(day: "2026-03-02")

    override func setUpWithError() throws {
        try super.setUpWithError()
        root = FileManager.default.temporaryDirectory.appendingPathComponent("liandong-nodestore-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        // Monday 2 March 2026, 09:00 CST: a plain working week with no holiday in the next month.
        clock = TestClock(day: "2026-03-02")
    }

    override func tearDownWithError() throws {
        if !root.isEmpty, FileManager.default.fileExists(atPath: root) {
            try FileManager.default.removeItem(atPath: root)
        }
        try super.tearDownWithError()
    }

    /// A node's data directory under this test's root (not created: `initialize` creates it).
    func nodeDirectory(_ name: String = "county") -> String { root + "/" + name }

    /// A county node with the example catalog and the 2026 calendar published, on this test's clock.
    func makeCounty(_ name: String = "county", code: String = NodeStoreTestCase.countyCode, catalog: Bool = true, calendar: Bool = true) throws -> NodeStore {
        let store = try NodeStore.initialize(directory: nodeDirectory(name), role: .county, code: code, name: "西湖区政务服务中心", now: clock.closure)
        if catalog { try store.importCatalog(try Examples.catalog(), actor: "admin") }
        if calendar { try store.setCalendarYear(try Examples.calendar2026(), actor: "admin") }
        return store
    }

    func reopen(_ name: String = "county") throws -> NodeStore {
        try NodeStore.open(directory: nodeDirectory(name), now: clock.closure)
    }

    /// A second, independent connection to a node's database: what a tool (or an attacker) with file access sees.
    func rawDatabase(_ name: String = "county") throws -> Database {
        try Database(path: nodeDirectory(name) + "/" + NodeStore.databaseName)
    }

    /// Skips a test that shows a bug not fixed here, so that the suite stays green and the reason stays visible.
    func skipForBug(_ reason: String) throws {
        throw XCTSkip("BUG: " + reason)
    }

    /// Asserts that `verify` finds nothing wrong, listing what it found otherwise.
    func assertVerifiesClean(_ store: NodeStore, file: StaticString = #filePath, line: UInt = #line) throws {
        let report = try store.verify()
        XCTAssertTrue(report.isClean, report.problems.map { "\($0.json.canonicalString)" }.joined(separator: "\n"), file: file, line: line)
    }

    /// Asserts that body throws a StoreError with this code, and returns it.
    @discardableResult
    func assertStoreError<T>(_ code: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T) -> StoreError? {
        do {
            _ = try body()
            XCTFail("expected StoreError \(code), nothing was thrown", file: file, line: line)
        } catch let error as StoreError {
            XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
            return error
        } catch {
            XCTFail("expected StoreError \(code), got \(error)", file: file, line: line)
        }
        return nil
    }
}

/// TestClock is the `now` a store sees: set and moved by the test, readable from any thread.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var millis: Int64

    init(day: String, hour: Int = 9) {
        millis = TestClock.millis(day, hour: hour)
    }

    /// Epoch milliseconds of a civil time in China Standard Time.
    static func millis(_ day: String, hour: Int = 9, minute: Int = 0) -> Int64 {
        guard let date = LocalDate(iso: day) else { preconditionFailure("bad test date \(day)") }
        return Int64(date.dayNumber) * 86_400_000 - 8 * 3_600_000 + Int64(hour) * 3_600_000 + Int64(minute) * 60_000
    }

    var now: Int64 { lock.withLock { millis } }

    func set(_ day: String, hour: Int = 9, minute: Int = 0) { lock.withLock { millis = TestClock.millis(day, hour: hour, minute: minute) } }
    func set(millis value: Int64) { lock.withLock { millis = value } }
    func advance(millis delta: Int64) { lock.withLock { millis += delta } }

    /// The closure to inject as a store's `now`.
    var closure: () -> Int64 { { [self] in self.now } }
}

/// Examples reads Deploy/examples of this repository, found from this file's path.
enum Examples {
    static let directory: String = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            let candidate = url.appendingPathComponent("Deploy/examples").path
            if FileManager.default.fileExists(atPath: candidate + "/catalog.json") { return candidate }
            url = url.deletingLastPathComponent()
        }
        preconditionFailure("Deploy/examples not found above \(#filePath)")
    }()

    static func json(_ name: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: directory + "/" + name) else {
            throw StoreError("test_fixture_missing", "cannot read \(directory)/\(name)")
        }
        return try JSONParser.parse(Array(data))
    }

    static func catalog() throws -> JSONValue { try json("catalog.json") }
    static func calendar2026() throws -> JSONValue { try json("calendar-2026.json") }
}

/// Items of the example catalog the tests use.
enum Items {
    /// 老年人优待证办理: immediate (即办件), decided by the township, id_card and photo required.
    static let elderCard = "000120017000"
    static let elderCardMaterials = ["id_card", "photo"]
    /// 临时救助申请: promised 10 working days, legal 15, decided by the township, supplements pause the clock.
    static let relief = "000105003000"
    static let reliefMaterials = ["application", "id_card", "household_register", "hardship_proof"]
    /// 个体工商户设立登记: promised 3 working days, decided by the county.
    static let business = "000101201000"
    static let businessMaterials = ["application", "id_card", "premises_proof"]
}

enum People {
    static let zhang = Applicant(name: "张桂英", idNumber: "11010519491231002X", phone: "13812345678", address: "转塘街道某村 3 组")
    static let li = Applicant(name: "李大爷", idNumber: "440524188001010014", phone: "0571-88888888")
}

extension NodeStore {
    /// Accepts an application for `item` with all its required materials, for `applicant`.
    @discardableResult
    func accept(_ item: String = Items.relief, materials: [String]? = nil, applicant: Applicant = People.zhang, collectAt: String? = nil) throws -> CaseState {
        let materials = materials ?? (item == Items.elderCard ? Items.elderCardMaterials : item == Items.business ? Items.businessMaterials : Items.reliefMaterials)
        return try acceptCase(AcceptRequest(itemCode: item, applicant: applicant, materials: materials, collectAt: collectAt, actor: "窗口-李"))
    }

    /// Approve, issue, deliver: a case taken to the applicant's hands on today's date.
    @discardableResult
    func approveAndDeliver(_ number: String) throws -> CaseState {
        try act(on: number, .approve, payload: ["opinion": "符合条件"], actor: "审批员-王")
        try act(on: number, .issue, payload: ["documentNumber": "西民〔2026〕1号"], actor: "窗口-李")
        return try act(on: number, .deliver, payload: ["method": "collected"], actor: "窗口-李")
    }

    func count(_ sql: String, _ args: [SQLValue] = []) throws -> Int64 {
        try db.scalarInt(sql, args) ?? 0
    }
}

extension Database {
    /// Every change in the `changes` table, decoded the way the store stores them, in lsn order.
    func storedChanges(where condition: String = "1 = 1", _ args: [SQLValue] = []) throws -> [Change] {
        try query("SELECT origin, seq, hlc, wall, actor, entity, kind, payload, parties, prev, hash, sig FROM changes WHERE \(condition) ORDER BY lsn", args)
            .map { row in
                let parties = try JSONParser.parse(row.text("parties") ?? "").arrayValue?.compactMap(\.stringValue) ?? []
                return Change(
                    origin: row.text("origin") ?? "", seq: row.int64("seq") ?? 0, hlc: HLC(rawValue: row.int64("hlc") ?? 0),
                    wall: row.int64("wall") ?? 0, actor: row.text("actor") ?? "", entity: row.text("entity") ?? "",
                    kind: row.text("kind") ?? "", payload: try JSONParser.parse(row.text("payload") ?? ""), parties: parties,
                    prev: row.blob("prev") ?? [], hash: row.blob("hash") ?? [], sig: row.blob("sig") ?? [])
            }
    }
}
