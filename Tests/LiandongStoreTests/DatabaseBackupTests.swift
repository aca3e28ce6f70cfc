import Foundation
import LiandongStore
import XCTest

final class DatabaseBackupTests: XCTestCase {
    /// A table and a running total that every write keeps equal to the table's row count.
    private func makeLedger(at path: String, rows: Int) throws {
        let db = try Database(path: path)
        try db.execute("""
            CREATE TABLE entries(id INTEGER PRIMARY KEY, pad BLOB NOT NULL);
            CREATE TABLE total(n INTEGER NOT NULL);
            INSERT INTO total VALUES (0);
            """)
        try db.write { db in
            for _ in 0..<rows { try db.run("INSERT INTO entries(pad) VALUES (?)", .blob([UInt8](repeating: 7, count: 200))) }
            try db.run("UPDATE total SET n = ?", .integer(Int64(rows)))
        }
    }

    func testBackupWhileAnotherThreadInsertsIsAConsistentCommittedState() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("live.sqlite")
        let backupPath = directory.file("backup.sqlite")
        try makeLedger(at: path, rows: 20_000)

        let committed = Locked<Set<Int64>>([20_000])
        let stop = Locked(false)
        let finishWriter = startThread {
            let db = try Database(path: path)
            while !stop.withLock({ $0 }) {
                let total = try db.write { db -> Int64 in
                    for _ in 0..<10 { try db.run("INSERT INTO entries(pad) VALUES (?)", .blob([1, 2, 3])) }
                    try db.run("UPDATE total SET n = n + 10")
                    return try db.scalarInt("SELECT n FROM total") ?? -1
                }
                committed.withLock { _ = $0.insert(total) }
            }
        }
        // Let the writer get going before and keep going during the copies.
        while committed.withLock({ $0.count }) < 5 { usleep(1_000) }
        let source = try Database(path: path)
        for _ in 0..<3 {
            try source.backup(to: backupPath, pagesPerStep: 4)
            let copy = try Database(path: backupPath, readOnly: true)
            XCTAssertEqual(try copy.integrityCheck(), [])
            let rows = try XCTUnwrap(try copy.scalarInt("SELECT count(*) FROM entries"))
            XCTAssertEqual(try copy.scalarInt("SELECT n FROM total"), rows)
            XCTAssertTrue(committed.withLock { $0.contains(rows) }, "\(rows) was never committed")
        }
        stop.withLock { $0 = true }
        XCTAssertNil(finishWriter())
        XCTAssertFalse(FileManager.default.fileExists(atPath: backupPath + "-journal"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [])
    }

    func testRestoreReplacesTheData() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("live.sqlite")
        let backupPath = directory.file("backup.sqlite")
        try makeLedger(at: path, rows: 100)
        do {
            let db = try Database(path: path)
            try db.backup(to: backupPath)
            try db.write { db in
                try db.run("DELETE FROM entries WHERE id > 10")
                try db.run("UPDATE total SET n = 10")
                try db.execute("CREATE TABLE later(x)")
            }
        }
        // A backup is one self-contained file in rollback-journal mode (header bytes 18 and 19 are 1).
        let header = [UInt8](try Data(contentsOf: URL(fileURLWithPath: backupPath)).prefix(20))
        XCTAssertEqual(header[18...19], [1, 1])
        try Database.restore(from: backupPath, to: path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["backup.sqlite", "live.sqlite"])
        let db = try Database(path: path)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM entries"), 100)
        XCTAssertEqual(try db.scalarInt("SELECT n FROM total"), 100)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'later'"), 0)
        XCTAssertEqual(try db.integrityCheck(), [])
        XCTAssertEqual(try db.query("PRAGMA journal_mode").first?.text(0), "wal")
    }

    func testRestoreRemovesAStaleWALOfTheOldDatabase() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("live.sqlite")
        let backupPath = directory.file("backup.sqlite")
        try makeLedger(at: path, rows: 10)
        try Database(path: path).backup(to: backupPath)
        // A WAL left behind by a crash of the old database, which must not be replayed into the new one.
        try Data(repeating: 0xAB, count: 4096).write(to: URL(fileURLWithPath: path + "-wal"))
        try Database.restore(from: backupPath, to: path)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-wal"))
        let db = try Database(path: path)
        XCTAssertEqual(try db.scalarInt("SELECT n FROM total"), 10)
    }

    func testRestoreRefusesAMissingEmptyOrForeignFileAndLeavesTheTargetAlone() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("live.sqlite")
        try makeLedger(at: path, rows: 5)
        let empty = directory.file("empty.sqlite")
        let foreign = directory.file("foreign.sqlite")
        try Data().write(to: URL(fileURLWithPath: empty))
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: foreign))

        for source in [directory.file("missing.sqlite"), empty, foreign] {
            XCTAssertThrowsError(try Database.restore(from: source, to: path), source)
        }
        XCTAssertEqual(try Database(path: path).scalarInt("SELECT n FROM total"), 5)
    }

    func testBackupInsideAWriteIsRejected() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        XCTAssertThrowsError(try db.write { db in
            try db.execute("CREATE TABLE t(x)")
            try db.backup(to: directory.file("b.sqlite"))
        }) { error in XCTAssertEqual((error as? SQLiteError)?.code, .misuse) }
    }
}
