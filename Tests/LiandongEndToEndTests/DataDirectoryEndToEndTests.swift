import Foundation
import XCTest

/// A database pulled from under a running `serve` (deleted, or another file put in its place) is
/// noticed at once: the node stops, says why, and exits with status 4.
final class DataDirectoryEndToEndTests: XCTestCase {
    func testServeExitsWhenItsDatabaseFileIsDeleted() throws {
        let node = try TestNode.county()
        let (serve, log) = try startServe(node)
        try FileManager.default.removeItem(atPath: node.directory + "/liandong.sqlite")
        XCTAssertEqual(serve.wait(seconds: 10), 4, "serve exits non-zero at once: \(log())")
        XCTAssertTrue(log().contains("data directory lost: database file"), log())
        XCTAssertTrue(log().contains("was deleted"), log())
        XCTAssertTrue(log().contains("数据目录已失效"), log())
    }

    func testServeExitsWhenItsDatabaseFileIsReplacedAndLeavesTheNewFileAlone() throws {
        let node = try TestNode.county()
        let backup = node.file("backup.db")
        XCTAssertTrue(try node.run("backup", "--to", backup).succeeded)
        let (serve, log) = try startServe(node)
        // Put the backup in place the way a careless restore would: copy next to it, rename over it.
        let database = node.directory + "/liandong.sqlite"
        try FileManager.default.copyItem(atPath: backup, toPath: database + ".new")
        XCTAssertEqual(rename(database + ".new", database), 0)
        let placed = try Data(contentsOf: URL(fileURLWithPath: database))
        XCTAssertEqual(serve.wait(seconds: 10), 4, "serve exits non-zero at once: \(log())")
        XCTAssertTrue(log().contains("was replaced by another file"), log())
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: database)), placed, "nothing was written into the new file")
    }

    func testServeKeepsRunningWhileItsDatabaseStaysPut() throws {
        let node = try TestNode.county()
        let (serve, log) = try startServe(node)
        // The CLI writing through its own connection is not a replacement.
        XCTAssertTrue(try node.run("status").succeeded)
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertTrue(serve.isRunning, log())
        serve.stop()
        XCTAssertFalse(log().contains("data directory lost"), log())
    }

    private func startServe(_ node: TestNode) throws -> (Spawned, () -> String) {
        let path = node.file("serve.log")
        let serve = try Spawned(["serve", "--data", node.directory, "--listen", "127.0.0.1:0"], log: path)
        let log = { String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }
        XCTAssertTrue(eventually(within: 30) { log().contains("serving county") }, log())
        return (serve, log)
    }
}
