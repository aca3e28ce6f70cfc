import Foundation
import LiandongDomain
import LiandongStore
import XCTest

final class NodeStoreBackupTests: NodeStoreTestCase {
    /// Checks that a backup file is a whole node: intact, its own chain gap-free and matching its head,
    /// and every case row equal to a replay of that case's changes in the same file.
    private func assertConsistentBackup(_ path: String, origin: String, file: StaticString = #filePath, line: UInt = #line) throws -> (changes: Int, cases: Int) {
        let db = try Database(path: path, readOnly: true)
        XCTAssertEqual(try db.integrityCheck(), [], file: file, line: line)
        let seqs = try db.query("SELECT seq FROM changes WHERE origin = ? ORDER BY seq", [.text(origin)]).compactMap { $0.int64("seq") }
        XCTAssertEqual(seqs, seqs.isEmpty ? [] : Array(1...Int64(seqs.count)), "contiguous seqs", file: file, line: line)
        let head = try db.query("SELECT last_seq, last_hash FROM origins WHERE origin = ?", [.text(origin)]).first
        let changes = try db.storedChanges()
        XCTAssertEqual(head?.int64("last_seq"), seqs.last, "the chain head is the last change", file: file, line: line)
        XCTAssertEqual(head?.blob("last_hash"), changes.last?.hash, file: file, line: line)
        for (previous, change) in zip(changes, changes.dropFirst()) {
            XCTAssertEqual(change.prev, previous.hash, "#\(change.seq) links to #\(previous.seq)", file: file, line: line)
        }
        let byCase = Dictionary(grouping: changes.filter { $0.kind.hasPrefix("case.") }, by: \.entity)
        let rows = try db.query("SELECT number, state, state_hash FROM cases")
        XCTAssertEqual(Set(rows.compactMap { $0.text("number") }), Set(byCase.keys), "a row for every case in the log, and no other", file: file, line: line)
        for row in rows {
            let number = row.text("number") ?? ""
            let replayed = CaseReplay(changes: byCase[number] ?? []).state
            XCTAssertEqual(row.text("state"), replayed?.json.canonicalString, number, file: file, line: line)
            XCTAssertEqual(row.blob("state_hash"), replayed.map { SHA256.hash($0.json.canonicalBytes) }, number, file: file, line: line)
        }
        return (changes.count, rows.count)
    }

    func testABackupTakenWhileAnotherStoreRecordsIsConsistent() throws {
        let store = try makeCounty()
        let directory = nodeDirectory()
        let writerClock = TestClock(day: "2026-03-02", hour: 10)
        let stop = Locked(false)
        let written = Locked(0)
        let finishWriter = startThread {
            let writer = try NodeStore.open(directory: directory, now: writerClock.closure)
            while !stop.withLock({ $0 }) {
                let number = try writer.accept(Items.elderCard, applicant: People.li).number
                try writer.act(on: number, .approve, payload: [:], actor: "审批员-王")
                try writer.act(on: number, .issue, payload: [:], actor: "窗口-李")
                writerClock.advance(millis: 1)
                written.withLock { $0 += 1 }
            }
        }
        var sizes: [(changes: Int, cases: Int)] = []
        for index in 0..<5 {
            // Wait until the writer has made progress since the last copy, so that every copy is taken mid-stream.
            let target = written.withLock { $0 } + 5
            let deadline = Date().addingTimeInterval(30)
            while written.withLock({ $0 }) < target, Date() < deadline { usleep(1000) }
            let path = root + "/backup-\(index).sqlite"
            try store.backup(to: path)
            sizes.append(try assertConsistentBackup(path, origin: NodeStoreTestCase.countyCode))
        }
        stop.withLock { $0 = true }
        if let error = finishWriter() { throw error }
        XCTAssertGreaterThan(written.withLock { $0 }, 25)
        for (a, b) in zip(sizes, sizes.dropFirst()) {
            XCTAssertLessThan(a.changes, b.changes, "each copy is later than the one before")
        }
        try assertVerifiesClean(try reopen())
    }

    func testRestoreReplacesTheStateWithTheBackup() throws {
        var store: NodeStore? = try makeCounty()
        let kept = try XCTUnwrap(try store?.accept().number)
        let backup = root + "/before.sqlite"
        try store?.backup(to: backup)
        let headAtBackup = try XCTUnwrap(try store?.chainHead(of: NodeStoreTestCase.countyCode))
        let lost = try XCTUnwrap(try store?.accept().number)
        try store?.act(on: kept, .approve, payload: [:], actor: "审批员-王")
        store = nil  // restore needs the database closed

        try NodeStore.restore(directory: nodeDirectory(), from: backup)
        let restored = try reopen()
        XCTAssertEqual(try restored.caseState(kept)?.status, .accepted)
        XCTAssertNil(try restored.caseState(lost))
        XCTAssertEqual(try restored.listCases().map(\.number), [kept])
        let head = try restored.chainHead(of: NodeStoreTestCase.countyCode)
        XCTAssertEqual(head.seq, headAtBackup.seq)
        XCTAssertEqual(head.hash, headAtBackup.hash)
        try assertVerifiesClean(restored)
    }

    func testRestoreRefusesABackupOfAnotherNode() throws {
        var store: NodeStore? = try makeCounty()
        let mine = try XCTUnwrap(try store?.accept().number)
        store = nil
        let other = try makeCounty("other", code: "330107")
        try other.accept()
        try other.accept()
        let foreign = root + "/other.sqlite"
        try other.backup(to: foreign)

        let error = assertStoreError("backup_foreign") { try NodeStore.restore(directory: nodeDirectory(), from: foreign) }
        XCTAssertTrue(error?.message.contains("330107") ?? false, error?.message ?? "")
        let reopened = try reopen()
        XCTAssertEqual(try reopened.listCases().map(\.number), [mine], "the node's own database is untouched")
        try assertVerifiesClean(reopened)
    }

    func testRestoreRefusesAMissingOrNonDatabaseFile() throws {
        var store: NodeStore? = try makeCounty()
        try store?.accept()
        store = nil
        assertStoreError("backup_not_found") { try NodeStore.restore(directory: nodeDirectory(), from: root + "/nothing.sqlite") }
        let junk = root + "/junk.sqlite"
        XCTAssertTrue(FileManager.default.createFile(atPath: junk, contents: Data("this is not a database at all, just text".utf8)))
        assertStoreError("backup_unreadable") { try NodeStore.restore(directory: nodeDirectory(), from: junk) }
        XCTAssertEqual(try reopen().listCases().count, 1)
    }
}
