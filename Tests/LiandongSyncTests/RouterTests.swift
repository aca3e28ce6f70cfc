import Foundation
import XCTest

@testable import LiandongDomain
@testable import LiandongServer
@testable import LiandongStore
@testable import LiandongSync

/// The node's other HTTP endpoints: public query, local API, metrics.
final class RouterTests: SyncTestCase {
    func get(_ code: String, _ path: String) throws -> HTTPResponse {
        try HTTPClient().perform(HTTPRequest(url: (servers[code]?.url ?? "") + path))
    }

    func testThePublicQueryNeedsTheCaseQueryCodeAndMasksTheApplicant() throws {
        try makeNodes([Tree.county])
        try serve(Tree.county)
        let number = try accept(at: Tree.county, item: Items.countyDecided)
        let code = try store(Tree.county).caseState(number)?.queryCode ?? ""
        XCTAssertFalse(code.isEmpty)

        let found = try get(Tree.county, "/public/v1/cases/\(number)?code=\(code)")
        XCTAssertEqual(found.status, 200, found.text)
        let answer = try json(found)
        XCTAssertEqual(answer["status"]?.stringValue, "accepted")
        XCTAssertEqual(answer["applicant"]?.stringValue, "张**")
        XCTAssertFalse(found.text.contains("11010519491231002X"), "no ID number in the public answer")
        XCTAssertFalse(found.text.contains("13812345678"), "no phone in the public answer")

        for path in ["/public/v1/cases/\(number)?code=WRONG", "/public/v1/cases/\(number)", "/public/v1/cases/330106-20260302-9999?code=\(code)"] {
            let refused = try get(Tree.county, path)
            XCTAssertEqual(refused.status, 404, path)
            XCTAssertEqual(try json(refused)["error"]?.stringValue, "not_found", path)
        }
    }

    func testTheLocalAPIListsAndShowsCasesAndStatus() throws {
        try makeNodes([Tree.county])
        try serve(Tree.county)
        let number = try accept(at: Tree.county, item: Items.countyDecided)
        let list = try json(try get(Tree.county, "/api/v1/cases"))["cases"]?.arrayValue ?? []
        XCTAssertEqual(list.map { $0["number"]?.stringValue }, [number])
        XCTAssertEqual(list.first?["idNumber"]?.stringValue, "110105********002X", "lists are masked")
        let shown = try get(Tree.county, "/api/v1/cases/\(number)")
        XCTAssertEqual(shown.status, 200, shown.text)
        XCTAssertEqual(try json(shown)["number"]?.stringValue, number)
        XCTAssertEqual(try get(Tree.county, "/api/v1/cases/330106-20260302-9999").status, 404)
        let status = try json(try get(Tree.county, "/api/v1/status"))
        XCTAssertEqual(status["code"]?.stringValue, Tree.county)
        XCTAssertEqual(status["cases"]?.intValue, 1)
        XCTAssertEqual(try get(Tree.county, "/api/v1/nothing").status, 404)
    }

    func testMetricsShowCountsAndTheLagOfEachChild() throws {
        try makeNodes()
        try serve(Tree.county)
        try serve(Tree.township)
        try sync(Tree.township)
        try sync(Tree.village)
        _ = try accept(at: Tree.village, item: Items.countyDecided)
        let client = try client(Tree.village)
        try client.hello()
        _ = try client.pushAll()
        // The township holds a change routed to the village (its own acceptance is not echoed), so
        // nothing is unacknowledged for the village; the county's lag for the township is the catalog
        // and the case until the township pulls again.
        let text = try get(Tree.county, "/metrics").text
        XCTAssertTrue(text.contains("liandong_changes_total{node=\"330106\"} "), text)
        XCTAssertTrue(text.contains("liandong_peer_oldest_unacked_age_seconds{node=\"330106\",peer=\"330106001\",direction=\"down\"}"), text)
        XCTAssertTrue(text.contains("liandong_http_requests_total{node=\"330106\",status=\"200\"}"), text)
        let townshipText = try get(Tree.township, "/metrics").text
        XCTAssertTrue(townshipText.contains("liandong_peer_unacked_changes{node=\"330106001\",peer=\"330106001201\",direction=\"down\"} 0"), townshipText)
        XCTAssertTrue(townshipText.contains("liandong_peer_unacked_changes{node=\"330106001\",peer=\"parent\",direction=\"up\"} 1"),
                      "the village's change has not reached the county yet: \(townshipText)")
        try sync(Tree.township)
        let after = try get(Tree.township, "/metrics").text
        XCTAssertTrue(after.contains("liandong_peer_unacked_changes{node=\"330106001\",peer=\"parent\",direction=\"up\"} 0"), after)
    }
}
