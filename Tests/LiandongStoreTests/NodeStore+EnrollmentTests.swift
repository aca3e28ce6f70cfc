import Foundation
import LiandongDomain
import LiandongStore
import XCTest

/// Enrollment (加入上级): a one-time token from `node add`, checked and used once in one
/// transaction that records the child's registration.
final class NodeStoreEnrollmentTests: NodeStoreTestCase {
    private let township = "330106001"
    private let village = "330106001201"

    private func makeRoot() throws -> NodeStore {
        let county = try makeCounty(catalog: false, calendar: false)
        try county.registerSelf()
        return county
    }

    private func newKey() throws -> [UInt8] { try Ed25519SigningKey().publicKey }

    func testATokenEnrollsItsChildOnceAndRecordsTheRegistration() throws {
        let county = try makeRoot()
        let invitation = try county.addEnrollment(code: township, role: .township, name: "转塘街道便民服务中心")
        XCTAssertEqual(invitation.token.count, 64)
        let key = try newKey()
        let grant = try county.enroll(token: invitation.token, code: township, role: .township, name: "转塘街道便民服务中心", publicKey: key)
        XCTAssertEqual(grant.parent.code, NodeStoreTestCase.countyCode)
        XCTAssertEqual(grant.parent.publicKey, county.identity.publicKey)
        XCTAssertEqual(grant.registry.map(\.code), [NodeStoreTestCase.countyCode, township])
        XCTAssertEqual(grant.registry.last?.publicKey, key)

        let registration = try XCTUnwrap(try county.changes(ofEntity: EntityName.node(township)).first)
        XCTAssertEqual(registration.kind, NodeKind.registered)
        XCTAssertEqual(registration.parties, ["*"])
        XCTAssertEqual(try NodeRegistration.parse(registration.payload).publicKey, key)
        XCTAssertEqual(try county.registryEntry(of: township)?.registeredHLC, registration.hlc.rawValue)

        // A second child with the same token is refused; the same child repeating gets the same answer, once recorded.
        assertStoreError("invalid_token") { try county.enroll(token: invitation.token, code: township, role: .township, name: "转塘街道便民服务中心", publicKey: try newKey()) }
        let again = try county.enroll(token: invitation.token, code: township, role: .township, name: "转塘街道便民服务中心", publicKey: key)
        XCTAssertEqual(again, grant)
        XCTAssertEqual(try county.changes(ofEntity: EntityName.node(township)).count, 1, "a repeat records nothing")
        try assertVerifiesClean(county)
    }

    func testOnlyTheTokensHashIsStored() throws {
        let county = try makeRoot()
        let invitation = try county.addEnrollment(code: township, role: .township, name: "转塘")
        let stored = try XCTUnwrap(try rawDatabase().query("SELECT token_hash FROM enrollment_tokens").first?.blob("token_hash"))
        XCTAssertEqual(stored, SHA256.hash(Array(invitation.token.utf8)))
        let dump = try rawDatabase().query("SELECT * FROM enrollment_tokens").map { "\($0)" }.joined()
        XCTAssertFalse(dump.contains(invitation.token))
    }

    func testAnExpiredTokenIsRefused() throws {
        let county = try makeRoot()
        let invitation = try county.addEnrollment(code: township, role: .township, name: "转塘", ttl: .seconds(3600))
        clock.advance(millis: 3_600_000)
        assertStoreError("token_expired") { try county.enroll(token: invitation.token, code: township, role: .township, name: "转塘", publicKey: try newKey()) }
        XCTAssertNil(try county.registryEntry(of: township), "nothing registered")
    }

    func testAnUnknownTokenIsInvalid() throws {
        let county = try makeRoot()
        _ = try county.addEnrollment(code: township, role: .township, name: "转塘")
        assertStoreError("invalid_token") { try county.enroll(token: String(repeating: "0", count: 64), code: township, role: .township, name: "转塘", publicKey: try newKey()) }
    }

    func testTheTokenBindsCodeRoleAndName() throws {
        let county = try makeRoot()
        let invitation = try county.addEnrollment(code: township, role: .township, name: "转塘")
        assertStoreError("code_mismatch") { try county.enroll(token: invitation.token, code: "330106002", role: .township, name: "转塘", publicKey: try newKey()) }
        assertStoreError("code_mismatch") { try county.enroll(token: invitation.token, code: village, role: .village, name: "转塘", publicKey: try newKey()) }
        assertStoreError("code_mismatch") { try county.enroll(token: invitation.token, code: township, role: .township, name: "别的镇", publicKey: try newKey()) }
        // The refusals used nothing up.
        XCTAssertNoThrow(try county.enroll(token: invitation.token, code: township, role: .township, name: "转塘", publicKey: try newKey()))
    }

    func testTokensAreOnlyForNodesBelow() throws {
        let county = try makeRoot()
        assertStoreError("not_a_child") { try county.addEnrollment(code: "330107001", role: .township, name: "邻县的镇") }
        assertStoreError("not_a_child") { try county.addEnrollment(code: NodeStoreTestCase.countyCode, role: .county, name: "自己") }
        assertStoreError("invalid_code") { try county.addEnrollment(code: "330106001", role: .village, name: "角色不符") }
        assertStoreError("invalid_name") { try county.addEnrollment(code: township, role: .township, name: "  ") }
    }

    func testANewTokenReplacesAnUnusedOne() throws {
        let county = try makeRoot()
        let first = try county.addEnrollment(code: township, role: .township, name: "转塘")
        let second = try county.addEnrollment(code: township, role: .township, name: "转塘")
        assertStoreError("invalid_token") { try county.enroll(token: first.token, code: township, role: .township, name: "转塘", publicKey: try newKey()) }
        XCTAssertNoThrow(try county.enroll(token: second.token, code: township, role: .township, name: "转塘", publicKey: try newKey()))
        XCTAssertEqual(try rawDatabase().scalarInt("SELECT count(*) FROM enrollment_tokens"), 1)
    }

    func testAnEnrolledCodeKeepsItsKey() throws {
        let county = try makeRoot()
        let invitation = try county.addEnrollment(code: township, role: .township, name: "转塘")
        _ = try county.enroll(token: invitation.token, code: township, role: .township, name: "转塘", publicKey: try newKey())
        assertStoreError("already_enrolled") { try county.addEnrollment(code: township, role: .township, name: "转塘") }
    }

    func testARevokedNodeCannotEnrollAgain() throws {
        let county = try makeRoot()
        let invitation = try county.addEnrollment(code: township, role: .township, name: "转塘")
        let key = try newKey()
        _ = try county.enroll(token: invitation.token, code: township, role: .township, name: "转塘", publicKey: key)
        let revocation = try XCTUnwrap(try county.revoke(code: township, reason: "设备丢失", actor: "admin"))
        XCTAssertEqual(revocation.kind, NodeKind.revoked)
        XCTAssertEqual(try county.registryEntry(of: township)?.revokedHLC, revocation.hlc.rawValue)
        assertStoreError("revoked_node") { try county.addEnrollment(code: township, role: .township, name: "转塘") }
        assertStoreError("revoked_node") { try county.enroll(token: invitation.token, code: township, role: .township, name: "转塘", publicKey: key) }
        assertStoreError("already_revoked") { try county.revoke(code: township, reason: "again", actor: "admin") }
        try assertVerifiesClean(county)
    }

    func testRevokeIsForStrictAncestorsOnly() throws {
        let county = try makeRoot()
        assertStoreError("cannot_revoke_self") { try county.revoke(code: NodeStoreTestCase.countyCode, reason: "", actor: "admin") }
        assertStoreError("not_a_child") { try county.revoke(code: "330107001", reason: "", actor: "admin") }
        assertStoreError("not_found") { try county.revoke(code: township, reason: "", actor: "admin") }
        // Revoking a code that only has a token cancels the token and records nothing.
        let invitation = try county.addEnrollment(code: township, role: .township, name: "转塘")
        XCTAssertNil(try county.revoke(code: township, reason: "不再设点", actor: "admin"))
        assertStoreError("invalid_token") { try county.enroll(token: invitation.token, code: township, role: .township, name: "转塘", publicKey: try newKey()) }
    }
}
