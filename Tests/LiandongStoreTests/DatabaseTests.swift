import LiandongStore
import XCTest

final class DatabaseTests: XCTestCase {
    func testOpensInWALWithForeignKeysAndFullSync() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        XCTAssertEqual(try db.query("PRAGMA journal_mode").first?.text(0), "wal")
        XCTAssertEqual(try db.scalarInt("PRAGMA foreign_keys"), 1)
        XCTAssertEqual(try db.scalarInt("PRAGMA synchronous"), 2)
        let normal = try Database(path: directory.file("a.sqlite"), synchronous: .normal)
        XCTAssertEqual(try normal.scalarInt("PRAGMA synchronous"), 1)
    }

    func testForeignKeysAreEnforced() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        try db.execute("""
            CREATE TABLE parent(id INTEGER PRIMARY KEY);
            CREATE TABLE child(parent INTEGER REFERENCES parent(id));
            """)
        XCTAssertThrowsError(try db.run("INSERT INTO child VALUES (?)", 42)) { error in
            XCTAssertEqual((error as? SQLiteError)?.extendedCode, .constraintForeignKey)
        }
    }

    func testReadOnlyConnectionCannotWriteOrCreate() throws {
        let directory = try TemporaryDirectory()
        XCTAssertThrowsError(try Database(path: directory.file("missing.sqlite"), readOnly: true)) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, .cantOpen)
        }
        let db = try Database(path: directory.file("a.sqlite"))
        try db.execute("CREATE TABLE t(x)")
        let reader = try Database(path: directory.file("a.sqlite"), readOnly: true)
        XCTAssertThrowsError(try reader.run("INSERT INTO t VALUES (1)")) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, .readOnly)
        }
        XCTAssertEqual(try reader.scalarInt("SELECT count(*) FROM t"), 0)
    }

    func testMalformedSQLReportsTheSQL() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        let attempts: [() throws -> Void] = [
            { try db.execute("SELEC 1") }, { _ = try db.prepare("SELEC 1") }, { try db.run("SELEC 1") },
        ]
        for attempt in attempts {
            XCTAssertThrowsError(try attempt()) { error in
                guard let error = error as? SQLiteError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.sql, "SELEC 1")
                XCTAssertEqual(error.code, .error)
                XCTAssertTrue(error.description.contains("SELEC 1"), error.description)
                XCTAssertTrue(error.message.contains("syntax error"), error.message)
            }
        }
    }

    func testPrepareRejectsASecondStatementButAllowsTrailingComments() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        XCTAssertThrowsError(try db.prepare("SELECT 1; SELECT 2")) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, .misuse)
        }
        XCTAssertEqual(try db.scalarInt("SELECT 1; -- one\n  "), 1)
    }

    func testCachedStatementIsReusedWithFreshBindings() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)")
        for (id, name) in [(1, "甲"), (2, "乙"), (3, "丙")] {
            try db.run("INSERT INTO t(id, name) VALUES (?, ?)", .integer(Int64(id)), .text(name))
        }
        let sql = "SELECT name FROM t WHERE id >= ? ORDER BY id"
        let first = try db.cachedStatement(sql)
        try first.bind(2, at: 1)
        XCTAssertTrue(try first.step())
        XCTAssertEqual(first.text(0), "乙")
        // Abandoned mid-way: the next use must start over, with no binding left behind.
        let second = try db.cachedStatement(sql)
        XCTAssertTrue(first === second)
        // `id >= NULL` matches nothing: the old binding of 2 is gone.
        XCTAssertFalse(try second.step())
        XCTAssertEqual(try db.query(sql, [1]).map { $0.text("name") }, ["甲", "乙", "丙"])
        XCTAssertEqual(try db.query(sql, [3]).map { $0.text(0) }, ["丙"])
    }

    func testNestedQueriesOnTheSameSQLDoNotDisturbEachOther() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        try db.execute("CREATE TABLE t(x INTEGER); INSERT INTO t VALUES (1), (2), (3);")
        var pairs: [[Int64]] = []
        try db.forEachRow("SELECT x FROM t ORDER BY x") { outer in
            try db.forEachRow("SELECT x FROM t ORDER BY x") { inner in
                pairs.append([outer.int64(0) ?? -1, inner.int64(0) ?? -1])
            }
        }
        XCTAssertEqual(pairs.count, 9)
        XCTAssertEqual(pairs.last, [3, 3])
    }

    func testLastInsertRowIDAndChanges() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, x INTEGER)")
        try db.run("INSERT INTO t(x) VALUES (?)", 10)
        try db.run("INSERT INTO t(x) VALUES (?)", 20)
        XCTAssertEqual(db.lastInsertRowID, 2)
        try db.run("UPDATE t SET x = x + 1")
        XCTAssertEqual(db.changes, 2)
    }

    func testScalarIntIsNilForNoRowOrNullAndRejectsText() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        try db.execute("CREATE TABLE t(x)")
        XCTAssertNil(try db.scalarInt("SELECT x FROM t"))
        XCTAssertNil(try db.scalarInt("SELECT max(x) FROM t"))
        XCTAssertThrowsError(try db.scalarInt("SELECT 'seven'")) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, .mismatch)
        }
    }

    func testWrongArgumentCountIsAnError() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        XCTAssertThrowsError(try db.query("SELECT ?, ?", [1])) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, .range)
        }
    }

    func testTenThousandRowsInOneTransaction() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, data BLOB)")
        try db.write { db in
            for i in 0..<10_000 {
                try db.run("INSERT INTO t(name, data) VALUES (?, ?)", .text("案件\(i)"), .blob([UInt8(i & 0xFF)]))
            }
        }
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 10_000)
        XCTAssertEqual(try db.query("SELECT name FROM t WHERE id = 10000").first?.text(0), "案件9999")
    }
}
