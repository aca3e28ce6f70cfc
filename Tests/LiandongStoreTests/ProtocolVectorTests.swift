import LiandongDomain
import LiandongStore
import XCTest

/// Checks that the code reproduces Protocol/vectors exactly: canonical encodings, rejections,
/// and for fixed Ed25519 seeds each change's body, hash, signature and wire form.
/// `LIANDONG_WRITE_VECTORS=1 swift test --filter ProtocolVectorTests` rewrites the outputs from the
/// inputs instead (after a deliberate protocol change; re-run Protocol/tools/check_vectors.py then).
final class ProtocolVectorTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        guard ProtocolVectors.regenerating else { return }
        do {
            try ProtocolVectors.write(try ProtocolVectors.regeneratedCanonical(try ProtocolVectors.load("canonical.json")), to: "canonical.json")
            try ProtocolVectors.write(try ProtocolVectors.regeneratedChanges(try ProtocolVectors.load("changes.json")), to: "changes.json")
        } catch {
            fatalError("regenerating Protocol/vectors: \(error)")
        }
    }

    func testEveryCanonicalOutputIsReproduced() throws {
        let cases = try XCTUnwrap(try ProtocolVectors.load("canonical.json")["canonical"]?.arrayValue)
        XCTAssertGreaterThan(cases.count, 20)
        for vector in cases {
            let name = vector["name"]?.stringValue ?? "?"
            let input = try XCTUnwrap(ProtocolVectors.inputBytes(vector), name)
            let expected = try XCTUnwrap(vector["output"]?.stringValue, name)
            let value = try JSONParser.parse(input)
            XCTAssertEqual(value.canonicalString, expected, name)
            // The canonical form is a fixed point: parsing it and encoding again changes nothing.
            XCTAssertEqual(try JSONParser.parse(expected).canonicalBytes, Array(expected.utf8), name)
        }
    }

    func testEveryBadInputIsRejectedForItsReason() throws {
        let cases = try XCTUnwrap(try ProtocolVectors.load("canonical.json")["rejected"]?.arrayValue)
        XCTAssertGreaterThan(cases.count, 20)
        for vector in cases {
            let name = vector["name"]?.stringValue ?? "?"
            let input = try XCTUnwrap(ProtocolVectors.inputBytes(vector), name)
            XCTAssertThrowsError(try JSONParser.parse(input), name) { error in
                XCTAssertEqual((error as? JSONParseError)?.reason, vector["reason"]?.stringValue, name)
            }
        }
    }

    func testPublicKeysFollowFromTheSeeds() throws {
        let keys = try ProtocolVectors.keys(try ProtocolVectors.load("changes.json"))
        XCTAssertEqual(keys.count, 2)
        for key in keys.values {
            XCTAssertEqual(Hex.encode(key.signingKey.publicKey), key.listedPublicKey, key.origin)
        }
    }

    func testBodiesHashesSignaturesAndWireFormsAreReproduced() throws {
        let file = try ProtocolVectors.load("changes.json")
        let vectors = try XCTUnwrap(file["changes"]?.arrayValue)
        let built = try ProtocolVectors.changes(file, keys: try ProtocolVectors.keys(file))
        XCTAssertEqual(built.count, 3)
        for (vector, change) in zip(vectors, built) {
            let name = vector["name"]?.stringValue ?? "?"
            XCTAssertEqual(change.bodyJSON.canonicalString, vector["body"]?.stringValue, name)
            XCTAssertEqual(Hex.encode(change.hash), vector["hash"]?.stringValue, name)
            XCTAssertEqual(Hex.encode(change.sig), vector["sig"]?.stringValue, name)
            XCTAssertEqual(change.wireJSON.canonicalString, vector["wire"]?.stringValue, name)
        }
    }

    func testTheChainLinksEachOriginsChanges() throws {
        let file = try ProtocolVectors.load("changes.json")
        let built = try ProtocolVectors.changes(file, keys: try ProtocolVectors.keys(file))
        let township = built.filter { $0.origin == "330106109" }
        XCTAssertEqual(township.map(\.seq), [1, 2])
        XCTAssertEqual(township[0].prev, Change.zeroHash)
        XCTAssertEqual(township[1].prev, township[0].hash)
        // The file lists the changes in the total order (hlc, origin, seq).
        XCTAssertEqual(built, built.sorted(by: Change.precedes))
    }

    func testWireChangesDecodeAndVerify() throws {
        let file = try ProtocolVectors.load("changes.json")
        let keys = try ProtocolVectors.keys(file)
        for change in try ProtocolVectors.changes(file, keys: keys) {
            let decoded = try Change(wire: change.wireJSON)
            XCTAssertEqual(decoded, change)
            XCTAssertEqual(SHA256.hash(decoded.signingBody), decoded.hash)
            let publicKey = try Ed25519PublicKey(try XCTUnwrap(keys[decoded.origin]).signingKey.publicKey)
            XCTAssertTrue(publicKey.isValidSignature(decoded.sig, for: decoded.hash))
            var forged = decoded
            forged.actor += " "
            XCTAssertNotEqual(SHA256.hash(forged.signingBody), decoded.hash, "any edit changes the hash")
        }
    }

    /// Parsing the wire text with the strict parser, as a receiver does, gives back the same change.
    func testWireTextParsesWithTheStrictParser() throws {
        let file = try ProtocolVectors.load("changes.json")
        let keys = try ProtocolVectors.keys(file)
        for (vector, change) in zip(try XCTUnwrap(file["changes"]?.arrayValue), try ProtocolVectors.changes(file, keys: keys)) {
            let text = try XCTUnwrap(vector["wire"]?.stringValue)
            XCTAssertEqual(try Change(wire: try JSONParser.parse(text)), change)
        }
    }

    func testCaseVectorsAreAcceptedByTheReducerWithTheirParties() throws {
        let file = try ProtocolVectors.load("changes.json")
        let built = try ProtocolVectors.changes(file, keys: try ProtocolVectors.keys(file))
        var state: CaseState?
        for change in built where change.kind.hasPrefix("case.") {
            state = try CaseReducer.apply(change, to: state)
            XCTAssertEqual(state?.parties, change.parties, change.kind)
        }
        XCTAssertEqual(state?.status, .forwarded)
        // Items in payloads are in the form ServiceItem.json gives, so that re-encoding changes nothing.
        for change in built {
            guard let item = change.kind == CatalogKind.itemPublished ? change.payload : change.payload["item"] else { continue }
            XCTAssertEqual(try ServiceItem.parse(item).json, item)
        }
    }
}
