import Foundation
import LiandongDomain
import LiandongStore
import LiandongSync
import XCTest

/// Protocol/vectors/requests.json, made by an independent Python script from Protocol/sync.md,
/// must agree byte for byte with the code's signed text and signatures.
final class RequestVectorTests: XCTestCase {
    static let file = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protocol/vectors/requests.json")

    func testSignedTextAndSignatureMatchTheVectors() throws {
        let vectors = try JSONParser.parse(Array(try Data(contentsOf: Self.file)))
        let key = try XCTUnwrap(vectors["key"])
        let seed = try XCTUnwrap(Hex.decode(try XCTUnwrap(key["seed"]?.stringValue)))
        let signer = try Ed25519SigningKey(seed: seed)
        XCTAssertEqual(Hex.encode(signer.publicKey), key["publicKey"]?.stringValue)
        let requests = try XCTUnwrap(vectors["requests"]?.arrayValue)
        XCTAssertEqual(requests.count, 3)
        for vector in requests {
            let name = vector["name"]?.stringValue ?? "?"
            let body = Array(try XCTUnwrap(vector["body"]?.stringValue).utf8)
            let signed = RequestSignature.signedText(
                method: try XCTUnwrap(vector["method"]?.stringValue), path: try XCTUnwrap(vector["path"]?.stringValue),
                node: try XCTUnwrap(vector["node"]?.stringValue), time: try XCTUnwrap(vector["time"]?.intValue),
                nonce: try XCTUnwrap(vector["nonce"]?.stringValue), body: body)
            XCTAssertEqual(String(decoding: signed, as: UTF8.self), vector["signed"]?.stringValue, name)
            XCTAssertEqual(Hex.encode(try signer.sign(signed)), vector["signature"]?.stringValue, name)
            let signature = try XCTUnwrap(Hex.decode(try XCTUnwrap(vector["signature"]?.stringValue)))
            XCTAssertTrue(try Ed25519PublicKey(signer.publicKey).isValidSignature(signature, for: signed), name)
            let tampered = RequestSignature.signedText(
                method: "POST", path: vector["path"]?.stringValue ?? "", node: vector["node"]?.stringValue ?? "",
                time: vector["time"]?.intValue ?? 0, nonce: vector["nonce"]?.stringValue ?? "", body: body + [0x20])
            XCTAssertFalse(try Ed25519PublicKey(signer.publicKey).isValidSignature(signature, for: tampered), name)
        }
    }
}
