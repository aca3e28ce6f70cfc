import Foundation
import XCTest

/// One writer per `serve` (issue 11), seen from outside: a running server holds one write
/// connection to its database whatever it runs (handlers, workbench, push, pull and blob lanes;
/// its readers are read-only), and a change the CLI commits in another process still travels up.
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
            // Reads beside the writer (the local API's status and listing, /metrics) use read-only connections.
            for path in ["/api/v1/status", "/api/v1/cases", "/metrics"] {
                XCTAssertEqual(HTTPProbe.get(port: node.port, path: path)?.status, 200, "\(node.code) \(path)")
            }
            let pid = try XCTUnwrap(node.server?.pid)
            let modes = try Self.openModes(of: pid, named: node.databasePath)
            XCTAssertEqual(modes.filter { $0 == O_RDWR }.count, 1, "\(node.code): write connections to its database held by serve")
            XCTAssertTrue(modes.allSatisfy { $0 == O_RDWR || $0 == O_RDONLY }, "\(node.code): \(modes)")
            XCTAssertTrue((1...2).contains(modes.filter { $0 == O_RDONLY }.count), "\(node.code): its readers, \(modes)")
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

    /// The access mode (O_RDONLY, O_RDWR) of each descriptor of process `pid` open on `path`: each
    /// SQLite connection opens the database file once (its -wal and -shm are other names), a
    /// read-only connection read-only.
    static func openModes(of pid: pid_t, named path: String) throws -> [Int32] {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let folder = "/proc/\(pid)/fd"
        return try FileManager.default.contentsOfDirectory(atPath: folder).compactMap { entry in
            guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + entry), link == target || link == path,
                let info = try? String(contentsOfFile: "/proc/\(pid)/fdinfo/\(entry)", encoding: .utf8),
                let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags:") }).flatMap({ Int32($0.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8) })
            else { return nil }
            return flags & O_ACCMODE
        }
    }
}
