import LiandongDomain
import XCTest

final class BandwidthWindowTests: XCTestCase {
    /// 2026-12-03 00:00 Beijing time, in epoch milliseconds.
    let midnight: Int64 = 1_796_227_200_000

    func at(_ hour: Int, _ minute: Int = 0) -> Int64 { midnight + Int64(hour * 3600 + minute * 60) * 1000 }

    func testTheConfigValueReadsAsKiBAndAWindow() {
        XCTAssertEqual(BandwidthWindow.parse("4 08:00-18:00"), BandwidthWindow(kibPerSecond: 4, startMinute: 480, endMinute: 1080))
        XCTAssertEqual(BandwidthWindow.parse("16  22:00-06:30"), BandwidthWindow(kibPerSecond: 16, startMinute: 1320, endMinute: 390))
        XCTAssertEqual(BandwidthWindow.parse("8 00:00-24:00")?.endMinute, 1440)
        for bad in ["", "4", "08:00-18:00", "1 08:00-18:00", "x 08:00-18:00", "4 8:00-18:00", "4 08:00-25:00", "4 08:60-18:00",
                    "4 08:00-08:00", "4 08:00", "4 08:00-18:00 extra", "-4 08:00-18:00"] {
            XCTAssertNil(BandwidthWindow.parse(bad), bad)
        }
    }

    func testTheCapAppliesInsideTheWindowOnlyInBeijingTime() throws {
        let day = try XCTUnwrap(BandwidthWindow.parse("4 08:00-18:00"))
        XCTAssertNil(day.bytesPerSecond(atEpochMillis: at(7, 59)))
        XCTAssertEqual(day.bytesPerSecond(atEpochMillis: at(8)), 4096)
        XCTAssertEqual(day.bytesPerSecond(atEpochMillis: at(17, 59)), 4096)
        XCTAssertNil(day.bytesPerSecond(atEpochMillis: at(18)), "the end is not included")
        let night = try XCTUnwrap(BandwidthWindow.parse("4 22:00-06:00"))
        XCTAssertEqual(night.bytesPerSecond(atEpochMillis: at(23)), 4096)
        XCTAssertEqual(night.bytesPerSecond(atEpochMillis: at(5, 59)), 4096)
        XCTAssertNil(night.bytesPerSecond(atEpochMillis: at(12)))
    }

    func testTheConfigFileAcceptsTheKeyAndNamesTheLineOfABadValue() throws {
        XCTAssertEqual(try NodeConfig.parse("blob-bandwidth = 4 08:00-18:00\n")["blob-bandwidth"], "4 08:00-18:00")
        XCTAssertThrowsError(try NodeConfig.parse("data = /srv\nblob-bandwidth = fast\n")) { error in
            XCTAssertEqual((error as? NodeConfigError)?.line, 2)
            XCTAssertEqual((error as? NodeConfigError)?.key, "blob-bandwidth")
        }
    }
}
