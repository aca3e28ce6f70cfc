import Foundation
import LiandongPrint
import XCTest

/// The QR matrix from libqrencode: its size fits its version, the three finder patterns sit in
/// their corners, and it is module for module what Debian's `qrencode` command makes.
final class QRCodeTests: XCTestCase {
    let url = "https://zwfw.chunan.gov.cn/public?number=330127101201-20260928-0001&code=K7M2Q9XW"

    func testWidthMatchesTheVersion() throws {
        let code = try QRCode(encoding: url)
        XCTAssertEqual(code.width, 17 + 4 * code.version)
        XCTAssertEqual(code.modules.count, code.width * code.width)
        // libqrencode picks numeric and alphanumeric segments where they are shorter, so this
        // 81-byte URL fits version 5 at level M (8-bit only would hold 84 bytes there).
        XCTAssertEqual(url.utf8.count, 81)
        XCTAssertEqual(code.version, 5)
        XCTAssertGreaterThan(try QRCode(encoding: url + String(repeating: "x", count: 60)).version, code.version)
    }

    func testFinderPatternsSitInThreeCorners() throws {
        let code = try QRCode(encoding: url)
        let w = code.width
        for (top, left) in [(0, 0), (0, w - 7), (w - 7, 0)] {
            for r in 0..<7 {
                for c in 0..<7 {
                    // A finder: dark 7×7 ring, light 5×5 ring, dark 3×3 centre.
                    let ring = min(r, c, 6 - r, 6 - c)
                    XCTAssertEqual(code.isDark(row: top + r, column: left + c), ring != 1, "finder at (\(top),\(left)) module (\(r),\(c))")
                }
            }
        }
        // The fourth corner has no finder: its separator area is not a 7×7 dark ring.
        XCTAssertFalse((0..<7).allSatisfy { code.isDark(row: w - 1, column: w - 7 + $0) } && (0..<7).allSatisfy { code.isDark(row: w - 7 + $0, column: w - 1) })
    }

    func testMatrixIsWhatTheQrencodeCommandMakes() throws {
        let code = try QRCode(encoding: url)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/qrencode")
        process.arguments = ["-l", "M", "-m", "0", "-t", "ASCII", url]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "qrencode (Debian package qrencode, installed by make deps) failed")
        let rows = output.split(separator: "\n").map { row in stride(from: 0, to: row.count, by: 2).map { Array(row)[$0] == "#" } }
        XCTAssertEqual(rows.count, code.width)
        for (index, row) in rows.enumerated() {
            XCTAssertEqual(row, Array(code.modules[index * code.width ..< (index + 1) * code.width]), "row \(index)")
        }
    }

    func testSVGDrawsEveryDarkModuleInsideAQuietZone() throws {
        let code = try QRCode(encoding: "https://a.gov.cn/public?number=1&code=2")
        let svg = code.svg(sizeMillimetres: 30, label: "办件查询二维码")
        let side = code.width + 8
        XCTAssertTrue(svg.contains("viewBox=\"0 0 \(side) \(side)\""))
        XCTAssertTrue(svg.contains("width=\"30mm\""))
        // Sum the widths of the horizontal runs: equal to the number of dark modules.
        let path = svg.components(separatedBy: "d=\"")[1].components(separatedBy: "\"")[0]
        var drawn = 0
        for run in path.split(separator: "M") {
            let parts = run.split(separator: "h", maxSplits: 1)
            XCTAssertEqual(parts.count, 2)
            let origin = parts[0].split(separator: " ").compactMap { Int($0) }
            XCTAssertTrue(origin.allSatisfy { $0 >= 4 && $0 < code.width + 4 }, "module outside the symbol: \(run)")
            drawn += Int(parts[1].split(separator: "v")[0]) ?? 0
        }
        XCTAssertEqual(drawn, code.modules.filter { $0 }.count)
    }

    func testBadInputIsRefusedWithAReason() {
        XCTAssertThrowsError(try QRCode(encoding: "")) { XCTAssertEqual($0 as? QRCodeError, .empty) }
        XCTAssertThrowsError(try QRCode(encoding: String(repeating: "a", count: 3000))) { XCTAssertEqual($0 as? QRCodeError, .tooLong(bytes: 3000)) }
        XCTAssertThrowsError(try QRCode(encoding: "a\u{0}b")) { XCTAssertEqual($0 as? QRCodeError, .containsNUL) }
    }
}
