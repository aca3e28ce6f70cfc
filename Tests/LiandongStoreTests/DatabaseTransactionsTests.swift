import Foundation
import LiandongStore
import XCTest

private struct Abort: Error, Equatable {}

final class DatabaseTransactionsTests: XCTestCase {
    func testWriteCommitsAndReturnsTheBodysValue() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        try db.execute("CREATE TABLE t(x INTEGER)")
        let id = try db.write { db -> Int64 in
            try db.run("INSERT INTO t VALUES (1)")
            return db.lastInsertRowID
        }
        XCTAssertEqual(id, 1)
        XCTAssertFalse(db.isInTransaction)
        let other = try Database(path: directory.file("a.sqlite"))
        XCTAssertEqual(try other.scalarInt("SELECT count(*) FROM t"), 1)
    }

    func testAThrowInsideWriteRollsBackEverythingAndRethrowsIt() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        try db.execute("CREATE TABLE t(x INTEGER UNIQUE)")
        XCTAssertThrowsError(
            try db.write { db in
                try db.run("INSERT INTO t VALUES (1)")
                try db.execute("CREATE TABLE u(y)")
                throw Abort()
            }
        ) { error in XCTAssertEqual(error as? Abort, Abort()) }
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 0)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'u'"), 0)

        // An SQLite error inside the body is the one rethrown, and earlier inserts are undone.
        XCTAssertThrowsError(
            try db.write { db in
                try db.run("INSERT INTO t VALUES (2)")
                try db.run("INSERT INTO t VALUES (2)")
            }
        ) { error in XCTAssertEqual((error as? SQLiteError)?.extendedCode, .constraintUnique) }
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 0)
    }

    func testNestedWriteIsRejectedAndTheOuterWriteRollsBack() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        try db.execute("CREATE TABLE t(x INTEGER)")
        XCTAssertThrowsError(
            try db.write { db in
                try db.run("INSERT INTO t VALUES (1)")
                try db.write { db in try db.run("INSERT INTO t VALUES (2)") }
            }
        ) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, .misuse)
            XCTAssertTrue("\(error)".contains("nested"), "\(error)")
        }
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 0)
    }

    func testCommitInsideTheBodyIsRejected() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        XCTAssertThrowsError(try db.write { db in try db.execute("COMMIT") }) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, .misuse)
        }
        XCTAssertFalse(db.isInTransaction)
    }

    func testReadSeesOneSnapshotWhileAnotherConnectionCommits() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        try db.execute("CREATE TABLE t(x INTEGER); INSERT INTO t VALUES (1);")
        let writer = try Database(path: directory.file("a.sqlite"))
        let (before, after) = try db.read { db in
            let before = try db.scalarInt("SELECT count(*) FROM t")
            try writer.run("INSERT INTO t VALUES (2)")
            return (before, try db.scalarInt("SELECT count(*) FROM t"))
        }
        XCTAssertEqual(before, 1)
        XCTAssertEqual(after, 1)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 2)
    }

    func testReadThatWritesIsRejectedAndRolledBack() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        try db.execute("CREATE TABLE t(x INTEGER)")
        XCTAssertThrowsError(try db.read { db in try db.run("INSERT INTO t VALUES (1)") }) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, .misuse)
        }
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 0)
        // A read inside a write runs in the write's transaction.
        try db.write { db in
            try db.run("INSERT INTO t VALUES (1)")
            XCTAssertEqual(try db.read { try $0.scalarInt("SELECT count(*) FROM t") }, 1)
        }
    }

    func testSecondWriterWaitsForTheBusyTimeoutThenFailsWithBusy() throws {
        let directory = try TemporaryDirectory()
        let holder = try Database(path: directory.file("a.sqlite"))
        try holder.execute("CREATE TABLE t(x INTEGER)")
        try holder.execute("BEGIN IMMEDIATE")
        let waiter = try Database(path: directory.file("a.sqlite"), busyTimeoutMilliseconds: 200)

        let start = ContinuousClock.now
        XCTAssertThrowsError(try waiter.write { db in try db.run("INSERT INTO t VALUES (1)") }) { error in
            XCTAssertTrue((error as? SQLiteError)?.isBusy == true, "\(error)")
        }
        let waited = ContinuousClock.now - start
        XCTAssertGreaterThanOrEqual(waited, .milliseconds(150))
        XCTAssertLessThan(waited, .seconds(3))
        XCTAssertFalse(waiter.isInTransaction)

        try holder.execute("COMMIT")
        try waiter.write { db in try db.run("INSERT INTO t VALUES (1)") }
        XCTAssertEqual(try holder.scalarInt("SELECT count(*) FROM t"), 1)
    }

    func testConcurrentWritersOnSeparateConnectionsBothSucceed() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("a.sqlite")
        try Database(path: path).execute("CREATE TABLE t(writer INTEGER, n INTEGER)")
        let writers = (1...2).map { writer in
            startThread {
                let db = try Database(path: path, busyTimeoutMilliseconds: 10_000)
                for n in 0..<200 {
                    try db.write { db in
                        try db.run("INSERT INTO t VALUES (?, ?)", .integer(Int64(writer)), .integer(Int64(n)))
                    }
                }
            }
        }
        for wait in writers { XCTAssertNil(wait()) }
        let db = try Database(path: path)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 400)
        XCTAssertEqual(try db.scalarInt("SELECT count(DISTINCT writer || '-' || n) FROM t"), 400)
    }
}
