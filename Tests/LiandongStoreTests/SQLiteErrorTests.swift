import LiandongStore
import XCTest

final class SQLiteErrorTests: XCTestCase {
    func testConstraintErrorsMatchInCatchByPrimaryAndExtendedCode() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, code TEXT UNIQUE NOT NULL)")
        try db.run("INSERT INTO t(code) VALUES (?)", "A")

        var matchedExtended = false
        do {
            try db.run("INSERT INTO t(code) VALUES (?)", "A")
        } catch SQLiteError.Code.constraintUnique {
            matchedExtended = true
        }
        XCTAssertTrue(matchedExtended)

        do {
            try db.run("INSERT INTO t(code) VALUES (NULL)")
            XCTFail("NULL accepted")
        } catch SQLiteError.Code.constraintUnique {
            XCTFail("a NOT NULL failure is not a UNIQUE failure")
        } catch SQLiteError.Code.constraint {
            // The primary code matches every constraint error.
        }
    }

    func testErrorPropertiesAndDescription() throws {
        let directory = try TemporaryDirectory()
        let db = try Database(path: directory.file("a.sqlite"))
        try db.execute("CREATE TABLE t(x UNIQUE)")
        try db.run("INSERT INTO t VALUES (1)")
        do {
            try db.run("INSERT INTO t VALUES (1)")
            XCTFail("duplicate accepted")
        } catch let error as SQLiteError {
            XCTAssertTrue(error.isConstraint)
            XCTAssertFalse(error.isBusy)
            XCTAssertEqual(error.code, .constraint)
            XCTAssertEqual(error.extendedCode, .constraintUnique)
            XCTAssertEqual(error.sql, "INSERT INTO t VALUES (1)")
            XCTAssertTrue(error.message.contains("UNIQUE constraint failed: t.x"), error.message)
            XCTAssertTrue(error.description.contains("2067"), error.description)
            switch error.code {
            case .constraint: break
            default: XCTFail("switch on code")
            }
        }
    }
}
