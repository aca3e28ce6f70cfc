import Foundation
import LiandongDomain
import LiandongStore
import XCTest

/// Ed25519 (RFC 8032) through libcrypto, checked against the published vectors.
final class Ed25519Tests: XCTestCase {
    private func hex(_ text: String) throws -> [UInt8] { try XCTUnwrap(Hex.decode(text)) }

    func testEd25519MatchesRFC8032TestOne() throws {
        let key = try Ed25519SigningKey(seed: try hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        XCTAssertEqual(Hex.encode(key.publicKey), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        let signature = try key.sign([])
        XCTAssertEqual(
            Hex.encode(signature),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
        XCTAssertTrue(try Ed25519PublicKey(key.publicKey).isValidSignature(signature, for: []))
    }

    func testEd25519RefusesAnyChangedBitAndTheWrongKey() throws {
        let key = try Ed25519SigningKey()
        let message = Array("330106#1".utf8)
        let signature = try key.sign(message)
        let verifier = try Ed25519PublicKey(key.publicKey)
        XCTAssertTrue(verifier.isValidSignature(signature, for: message))
        for bit in [0, 7, 255, 511] {
            var bad = signature
            bad[bit / 8] ^= UInt8(1 << (bit % 8))
            XCTAssertFalse(verifier.isValidSignature(bad, for: message), "bit \(bit)")
        }
        XCTAssertFalse(verifier.isValidSignature(signature, for: Array("330106#2".utf8)))
        XCTAssertFalse(verifier.isValidSignature(Array(signature.prefix(63)), for: message))
        XCTAssertFalse(try Ed25519PublicKey(try Ed25519SigningKey().publicKey).isValidSignature(signature, for: message))
    }

    func testAKeyRoundTripsThroughItsSeed() throws {
        let key = try Ed25519SigningKey()
        let again = try Ed25519SigningKey(seed: try key.seed())
        XCTAssertEqual(again.publicKey, key.publicKey)
        XCTAssertNotEqual(try Ed25519SigningKey().publicKey, key.publicKey, "fresh keys are random")
    }

    func testMalformedKeysAreErrors() {
        XCTAssertThrowsError(try Ed25519SigningKey(seed: [UInt8](repeating: 1, count: 31)))
        XCTAssertThrowsError(try Ed25519PublicKey([UInt8](repeating: 1, count: 33)))
    }

    func testSecureRandomBytesAreFreshEachTime() throws {
        let a = try secureRandomBytes(16)
        let b = try secureRandomBytes(16)
        XCTAssertEqual(a.count, 16)
        XCTAssertNotEqual(a, b)
    }
}
