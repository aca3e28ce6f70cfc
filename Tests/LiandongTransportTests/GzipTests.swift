import XCTest

@testable import LiandongSync

final class GzipTests: XCTestCase {
    func testRoundTripKeepsEveryByte() throws {
        for size in [0, 1, 1000, 300_000] {
            let original = noise(size, seed: UInt64(size))
            let compressed = try Gzip.compress(original)
            XCTAssertEqual(Array(compressed.prefix(2)), [0x1F, 0x8B], "gzip magic")
            XCTAssertEqual(try Gzip.decompress(compressed, limit: size), original)
        }
    }

    func testDecompressRefusesOutputBeyondLimit() throws {
        let bomb = try Gzip.compress([UInt8](repeating: 0, count: 4 << 20), level: 9)
        XCTAssertLessThan(bomb.count, 10_000)
        XCTAssertThrowsError(try Gzip.decompress(bomb, limit: 1 << 20)) { error in
            XCTAssertEqual(error as? GzipError, .tooLarge(limit: 1 << 20))
        }
    }

    func testDecompressAcceptsOutputOfExactlyTheLimit() throws {
        let compressed = try Gzip.compress([UInt8](repeating: 9, count: 100_000))
        XCTAssertEqual(try Gzip.decompress(compressed, limit: 100_000).count, 100_000)
    }

    func testDecompressRefusesTruncatedInput() throws {
        let compressed = try Gzip.compress(noise(10_000))
        for cut in [1, 4, compressed.count / 2, compressed.count - 1] {
            XCTAssertThrowsError(try Gzip.decompress(Array(compressed.prefix(cut)), limit: 1 << 20)) { error in
                XCTAssertEqual(error as? GzipError, .truncated, "cut at \(cut)")
            }
        }
        XCTAssertThrowsError(try Gzip.decompress([], limit: 10))
    }

    func testDecompressRefusesCorruptInput() throws {
        var compressed = try Gzip.compress(noise(10_000))
        compressed[compressed.count / 2] ^= 0xFF
        XCTAssertThrowsError(try Gzip.decompress(compressed, limit: 1 << 20))
        XCTAssertThrowsError(try Gzip.decompress(Array("not gzip at all".utf8), limit: 1 << 20)) { error in
            guard case .corrupt? = error as? GzipError else { return XCTFail("expected corrupt, got \(error)") }
        }
    }

    func testConcatenatedMembersDecompressAsOne() throws {
        let joined = try Gzip.compress(Array("hello ".utf8)) + Gzip.compress(Array("world".utf8))
        XCTAssertEqual(try Gzip.decompress(joined, limit: 100), Array("hello world".utf8))
    }

    func testTrailingGarbageAfterMemberIsRefused() throws {
        let compressed = try Gzip.compress(Array("hello".utf8)) + [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        XCTAssertThrowsError(try Gzip.decompress(compressed, limit: 100))
    }
}
