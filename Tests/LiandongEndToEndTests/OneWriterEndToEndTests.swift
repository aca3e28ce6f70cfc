import Foundation
import XCTest

/// One writer per `serve` (issue 11), seen from outside: a running server holds one connection to
/// its database whatever it runs (handlers, workbench, push, pull and blob lanes), and a change the
/// CLI commits in another process while it runs still travels up.
final class OneWriterEndToEndTests: XCTestCase {
    var cluster: Cluster!

    override func setUpWithError() throws {
        cluster = try Cluster()
    }

    override func tearDown() {
        cluster?.shutdown()
        cluster = nil
    }

    func testEveryServeHoldsOneConnectionAndTheCLIsChangesStillTravel() throws {
        #if os(Linux)
        let county = try cluster.county()
        let township = try cluster.enroll(code: "330106109", role: "township", name: "三墩镇便民服务中心", under: county, serve: true)
        let village = try cluster.enroll(code: "330106109201", role: "village", name: "绕城村代办点", under: township, serve: true)
        // Every lane has run: the catalog came down two hops by the pull lanes.
        try cluster.waitUntil("the village never received the catalog") {
            try village.count("SELECT count(*) FROM items") == Item.exampleCount
        }

        for node in [county, township, village] {
            let pid = try XCTUnwrap(node.server?.pid)
            XCTAssertEqual(try Self.openFiles(of: pid, named: node.databasePath), 1, "\(node.code): connections to its database held by serve")
        }

        // `case accept` is another process: its commit is noticed (data_version) and pushed up two hops.
        let result = try village.run(TestNode.acceptArguments(item: Item.oldAgeAllowance.code, materials: Item.oldAgeAllowance.requiredMaterials) + ["--json"])
        guard result.succeeded, let number = try result.object()["number"] as? String else {
            throw E2EFailure("case accept failed\n\(result.transcript)")
        }
        try cluster.waitUntil("the county never received \(number)", within: 30) { try county.caseAt(number) != nil }
        #else
        throw XCTSkip("counts open files through /proc")
        #endif
    }

    /// How many descriptors of process `pid` are open on `path` (each SQLite connection opens the
    /// database file once; its -wal and -shm are other names).
    static func openFiles(of pid: pid_t, named path: String) throws -> Int {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let folder = "/proc/\(pid)/fd"
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { entry in
            guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + entry) else { return false }
            return link == target || link == path
        }.count
    }
}
