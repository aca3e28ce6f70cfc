@testable import LiandongStore
import XCTest

final class MigratorTests: XCTestCase {
    static let first = [
        Migration("1-cases", sql: "CREATE TABLE cases(id INTEGER PRIMARY KEY, title TEXT NOT NULL)"),
        Migration("2-case-status", sql: "ALTER TABLE cases ADD COLUMN status TEXT NOT NULL DEFAULT 'accepted'"),
        Migration("3-seed") { db in
            // Depends on both earlier migrations: proves they ran first, in order.
            try db.run("INSERT INTO cases(title, status) VALUES (?, ?)", "示例", "accepted")
        },
    ]

    /// Two branches that each took a number below the last released migration would leave a
    /// database of one unable to open with the other's binary: the store's list goes up by number.
    func testTheStoresMigrationsAreNumberedInTheOrderTheyApply() {
        let numbers = Schema.migrator.migrations.map { Int($0.name.prefix(3)) ?? -1 }
        XCTAssertEqual(numbers, numbers.sorted())
        XCTAssertEqual(Set(numbers).count, numbers.count, "one migration per number")
        XCTAssertFalse(numbers.contains(-1), "every name starts with its three-digit number")
    }

    func testMigrationsApplyInOrderOnceAndAreRecorded() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        let migrator = Migrator(Self.first)
        try migrator.migrate(db)
        try migrator.migrate(db)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM cases"), 1, "the seed ran once")
        XCTAssertEqual(try migrator.appliedMigrations(db), ["1-cases", "2-case-status", "3-seed"])
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM migrations WHERE applied_at > 1700000000"), 3)

        var later = migrator
        later.migrations.append(Migration("4-index", sql: "CREATE INDEX cases_status ON cases(status)"))
        try later.migrate(db)
        XCTAssertEqual(try later.appliedMigrations(db).last, "4-index")
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM cases"), 1)
    }

    func testAMigrationAppliedByANewerVersionIsAnErrorNamingIt() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        try Migrator(Self.first).migrate(db)
        let older = Migrator(Array(Self.first.prefix(2)))
        XCTAssertThrowsError(try older.migrate(db)) { error in
            XCTAssertEqual(error as? MigrationError, .unknown(name: "3-seed"))
            XCTAssertTrue("\(error)".contains("3-seed"))
        }
    }

    func testAFailingMigrationLeavesEarlierOnesAndRecordsNothingOfItself() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        let broken = Migrator([
            Self.first[0],
            Migration("2-broken", sql: "CREATE TABLE half(x); INSERT INTO nowhere VALUES (1);"),
        ])
        XCTAssertThrowsError(try broken.migrate(db)) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, .error)
        }
        XCTAssertEqual(try broken.appliedMigrations(db), ["1-cases"])
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'half'"), 0)
    }

    func testAGapInAppliedMigrationsIsDetected() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        try Migrator([Self.first[0], Migration("3-seed", sql: "CREATE TABLE other(x)")]).migrate(db)
        XCTAssertThrowsError(try Migrator(Self.first).migrate(db)) { error in
            XCTAssertEqual(error as? MigrationError, .outOfOrder(missing: "2-case-status", laterApplied: "3-seed"))
        }
    }

    func testDuplicateNamesAreRejected() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        XCTAssertThrowsError(try Migrator([Self.first[0], Self.first[0]]).migrate(db)) { error in
            XCTAssertEqual(error as? MigrationError, .duplicate(name: "1-cases"))
        }
    }
}
