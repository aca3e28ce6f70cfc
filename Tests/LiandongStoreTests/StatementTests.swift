import LiandongStore
import XCTest

final class StatementTests: XCTestCase {
    static let samples: [SQLValue] = [
        .null, .integer(0), .integer(-1), .integer(.max), .integer(.min), .real(3.25), .real(-0.5),
        .real(.infinity), .text(""), .text("a\u{0}b"), .text("\u{0}"), .text("县政务服务中心 ✅ 𠀀"),
        .blob([]), .blob([0]), .blob([0, 255, 0, 1]), .blob((0..<100_000).map { UInt8($0 & 0xFF) }),
    ]

    func testEverySQLValueRoundTrips() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        // No declared type: no affinity, so SQLite stores each value as given.
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v)")
        for (id, value) in Self.samples.enumerated() {
            try db.run("INSERT INTO t(id, v) VALUES (?, ?)", .integer(Int64(id)), value)
        }
        let read = try db.query("SELECT v FROM t ORDER BY id").map { $0[0] }
        XCTAssertEqual(read, Self.samples)
        XCTAssertEqual(try db.query("SELECT typeof(v) FROM t WHERE id = 12").first?.text(0), "blob")
        // Stored bytes, not length(), which stops at the first NUL.
        XCTAssertEqual(try db.scalarInt("SELECT length(CAST(v AS BLOB)) FROM t WHERE id = 9"), 3)
    }

    func testTypedBindsAndColumnAccessorsRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        let insert = try db.prepare("SELECT ?, ?, ?, ?, ?, ?, ?, ?")
        XCTAssertEqual(insert.parameterCount, 8)
        try insert.bind(Int64.min, at: 1)
        try insert.bind(42, at: 2)
        try insert.bind("中\u{0}文", at: 3)
        try insert.bind("", at: 4)
        try insert.bind([UInt8](), at: 5)
        try insert.bind([7, 0, 9] as [UInt8], at: 6)
        try insert.bind(2.5, at: 7)
        try insert.bindNull(at: 8)
        XCTAssertTrue(try insert.step())
        XCTAssertEqual(insert.columnCount, 8)
        XCTAssertEqual(insert.int64(0), .min)
        XCTAssertEqual(insert.int64(1), 42)
        XCTAssertEqual(insert.text(2), "中\u{0}文")
        XCTAssertEqual(insert.value(3), .text(""))
        XCTAssertEqual(insert.value(4), .blob([]))
        XCTAssertEqual(insert.blob(5), [7, 0, 9])
        XCTAssertEqual(insert.double(6), 2.5)
        XCTAssertTrue(insert.isNull(7))
        XCTAssertFalse(insert.isNull(4))
        XCTAssertFalse(try insert.step())
    }

    func testBindingOutOfRangeIsARangeError() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        let statement = try db.prepare("SELECT ?")
        XCTAssertThrowsError(try statement.bind(1, at: 2)) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, .range)
        }
    }

    func testRowGivesValuesByNameAndIndexWithStrictTypes() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        let row = try XCTUnwrap(try db.query("SELECT 7 AS n, '7' AS s, NULL AS z, 1.5 AS r, x'00' AS b").first)
        XCTAssertEqual(row.columnNames, ["n", "s", "z", "r", "b"])
        XCTAssertEqual(row.int64("n"), 7)
        XCTAssertEqual(row.int("n"), 7)
        XCTAssertNil(row.int64("s"), "text is not coerced to a number")
        XCTAssertEqual(row.text(1), "7")
        XCTAssertNil(row.text("z"))
        XCTAssertEqual(row["z"], SQLValue.null)
        XCTAssertNil(row["missing"])
        XCTAssertNil(row.int64(99))
        XCTAssertEqual(row.double("r"), 1.5)
        XCTAssertEqual(row.double("n"), 7)
        XCTAssertEqual(row.blob("b"), [0])
        XCTAssertEqual(row[3], .real(1.5))
    }

    func testStatementOutlivesItsDatabaseHandleSafely() throws {
        let directory = try TemporaryDirectory()
        var db: Database? = try Database(path: directory.file("a.sqlite"))
        let statement = try XCTUnwrap(db).prepare("SELECT 5")
        db = nil
        XCTAssertTrue(try statement.step())
        XCTAssertEqual(statement.int64(0), 5)
    }

    func testLiteralsBuildValues() {
        let values: [SQLValue] = [nil, 1, 2.5, "文", true]
        XCTAssertEqual(values, [.null, .integer(1), .real(2.5), .text("文"), .integer(1)])
        XCTAssertEqual(SQLValue.text("it's").description, "'it''s'")
        XCTAssertEqual(SQLValue.blob([0, 171]).description, "x'00ab'")
    }
}
