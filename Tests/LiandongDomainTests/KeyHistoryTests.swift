import LiandongDomain
import XCTest

/// A code's key history after a re-enrolment (issue 13 item 5): which key signs which seqs, who may
/// re-key, and how a signature with a retired key is judged. Keys are plain bytes; "valid" is which
/// epoch's key the test says made the signature.
final class KeyHistoryTests: XCTestCase {
    let village = "330106109201"
    let old = [UInt8](repeating: 1, count: 32)
    let new = [UInt8](repeating: 2, count: 32)
    let newer = [UInt8](repeating: 3, count: 32)

    func rekey(_ key: [UInt8], from seq: Int64, hlc: Int64, reason: String = "硬盘损坏，密钥丢失") -> KeyEpoch {
        KeyEpoch(fromSeq: seq, publicKey: key, reason: reason, by: "330106109", hlc: hlc)
    }

    func testChangesUpToTheCutOverVerifyWithTheOldKeyAndLaterOnesWithTheNew() throws {
        let history = try XCTUnwrap(KeyHistory(registered: old, rekeys: [rekey(new, from: 8, hlc: 100)]))
        XCTAssertEqual(history.epochs.map(\.fromSeq), [1, 8])
        XCTAssertEqual(history.current, new)
        XCTAssertTrue(history.isRekeyed)
        XCTAssertEqual(history.epochIndex(forSeq: 1), 0)
        XCTAssertEqual(history.epochIndex(forSeq: 7), 0)
        XCTAssertEqual(history.epochIndex(forSeq: 8), 1)
        XCTAssertEqual(history.epochIndex(forSeq: 500), 1)
        XCTAssertEqual(history.judge(seq: 7) { $0 == 0 }, .valid, "the old chain stays valid")
        XCTAssertEqual(history.judge(seq: 8) { $0 == 1 }, .valid)
        XCTAssertEqual(history.judge(seq: 8) { $0 == 0 }, .retiredKey(cutOver: 8), "the lost key may be a thief's: refused after the cut-over")
        XCTAssertEqual(history.judge(seq: 3) { $0 == 1 }, .invalid, "the new key never signs the old chain")
        XCTAssertEqual(history.judge(seq: 9) { _ in false }, .invalid)
    }

    func testTheOrderRekeysArriveInDoesNotChangeTheJudgement() throws {
        let a = rekey(new, from: 8, hlc: 100)
        let b = rekey(newer, from: 20, hlc: 300)
        let one = try XCTUnwrap(KeyHistory(registered: old, rekeys: [a, b]))
        let other = try XCTUnwrap(KeyHistory(registered: old, rekeys: [b, a]))
        XCTAssertEqual(one, other)
        XCTAssertEqual(one.judge(seq: 25) { $0 == 0 }, .retiredKey(cutOver: 8))
        XCTAssertEqual(one.judge(seq: 25) { $0 == 1 }, .retiredKey(cutOver: 20))
        XCTAssertEqual(one.judge(seq: 19) { $0 == 1 }, .valid)
    }

    func testASecondRekeyAtTheSameSeqReplacesTheFirst() throws {
        // The parent re-enrolled, the new PC died before signing anything, and it re-enrolled again.
        let first = rekey(new, from: 8, hlc: 100)
        let second = rekey(newer, from: 8, hlc: 200)
        let history = try XCTUnwrap(KeyHistory(registered: old, rekeys: [second, first]))
        XCTAssertEqual(history.epochs.count, 2)
        XCTAssertEqual(history.current, newer)
        XCTAssertEqual(try XCTUnwrap(KeyHistory(registered: old, rekeys: [first, second])), history)
    }

    func testAHistoryWithoutARekeyIsTheRegisteredKey() throws {
        let history = try XCTUnwrap(KeyHistory(registered: old, rekeys: []))
        XCTAssertFalse(history.isRekeyed)
        XCTAssertEqual(history.current, old)
        XCTAssertEqual(history.judge(seq: 1) { $0 == 0 }, .valid)
        XCTAssertNil(KeyHistory(registered: [], rekeys: []), "a revocation that came before the registration: no key")
    }

    func testOnlyTheDirectParentRekeys() {
        func problem(from origin: String, entity: String) -> ConflictRule? {
            let payload = NodeRekey(code: village, publicKey: new, fromSeq: 8, reason: "硬盘损坏，密钥丢失").json
            let change = Change(origin: origin, seq: 1, hlc: HLC(physicalMillis: 1_700_000_000_000, logical: 0), wall: 1_700_000_000_000,
                                actor: "admin", entity: entity, kind: NodeRekey.kind, payload: payload, parties: [EntityName.everyone], prev: Change.zeroHash)
            return ChangeKinds.problem(of: change)?.rule
        }
        XCTAssertEqual(ChangeKinds.family(of: NodeRekey.kind), .registry)
        XCTAssertNil(problem(from: "330106109", entity: "node:\(village)"))
        XCTAssertEqual(problem(from: village, entity: "node:\(village)"), .notAuthorized, "whoever holds the lost key must not re-key the code")
        XCTAssertEqual(problem(from: "330106", entity: "node:\(village)"), .notAuthorized,
                       "the county does not hold every change the village sent its township")
        XCTAssertEqual(problem(from: "330106109", entity: "node:330106109202"), .invalidPayload)
    }

    func testAPayloadNamesTheCodeKeyCutOverAndReason() throws {
        let rekey = NodeRekey(code: village, publicKey: new, fromSeq: 8, reason: "硬盘损坏，密钥丢失")
        XCTAssertEqual(try NodeRekey.parse(rekey.json), rekey)
        var noReason = rekey.json.objectValue ?? [:]
        noReason["reason"] = " "
        XCTAssertThrowsError(try NodeRekey.parse(.object(noReason)))
        var zero = rekey.json.objectValue ?? [:]
        zero["fromSeq"] = 0
        XCTAssertThrowsError(try NodeRekey.parse(.object(zero)))
        var shortKey = rekey.json.objectValue ?? [:]
        shortKey["publicKey"] = "abcd"
        XCTAssertThrowsError(try NodeRekey.parse(.object(shortKey)))
    }

    func testTheWireFormRoundTripsAndRefusesDisorder() throws {
        let history = try XCTUnwrap(KeyHistory(registered: old, rekeys: [rekey(new, from: 8, hlc: 100)]))
        let epochs = try KeyHistory.parse(history.json, field: "keys")
        XCTAssertEqual(epochs.map(\.fromSeq), [1, 8])
        XCTAssertEqual(epochs.map(\.publicKey), [old, new])
        XCTAssertThrowsError(try KeyHistory.parse(.array(Array(history.json.arrayValue!.reversed())), field: "keys"))
        XCTAssertThrowsError(try KeyHistory.parse(.array([]), field: "keys"))
    }

    func testAnOldKeyChangeAtAHeldSeqIsRetiredKeyNotAFork() {
        let change = Change(origin: village, seq: 8, hlc: HLC(physicalMillis: 1_700_000_000_000, logical: 0), wall: 1_700_000_000_000,
                            actor: "thief", entity: "330106109201-20261203-0003", kind: "case.accepted", payload: [:], parties: [village],
                            prev: Change.zeroHash, hash: [UInt8](repeating: 7, count: 32))
        let other = [UInt8](repeating: 9, count: 32)
        XCTAssertEqual(IngestChecks.heldAtSeq(change, held: change.hash, signature: { XCTFail("no signature check for a duplicate"); return nil }), .duplicate)
        guard case .quarantine(let fork, _)? = IngestChecks.heldAtSeq(change, held: other) else { return XCTFail() }
        XCTAssertEqual(fork, QuarantineReason.fork)
        guard case .quarantine(let retired, let message)? = IngestChecks.heldAtSeq(change, held: other, signature: { .retiredKey(cutOver: 8) }) else { return XCTFail() }
        XCTAssertEqual(retired, QuarantineReason.retiredKey)
        XCTAssertTrue(message.contains("#8"), message)
        XCTAssertEqual(IngestChecks.signature(change, judgement: .valid), .passes)
        guard case .quarantine(let bad, _) = IngestChecks.signature(change, judgement: .invalid) else { return XCTFail() }
        XCTAssertEqual(bad, QuarantineReason.badSignature)
    }
}
