import XCTest

@testable import LiandongDomain

final class NodeConfigTests: XCTestCase {
    func testReadsKeysCommentsAndBlankLines() throws {
        let config = try NodeConfig.parse("""
            # liandong 配置
            data = /var/lib/liandong

              listen=0.0.0.0:8750
            tls-cert = "/etc/liandong/tls.pem"
            insecure-http = no
            backup-keep-days = 14
            log-level = warn
            """)
        XCTAssertEqual(config["data"], "/var/lib/liandong")
        XCTAssertEqual(config["listen"], "0.0.0.0:8750")
        XCTAssertEqual(config["tls-cert"], "/etc/liandong/tls.pem")
        XCTAssertEqual(config["insecure-http"], "false")
        XCTAssertFalse(config.flag("insecure-http"))
        XCTAssertEqual(config.count("backup-keep-days"), 14)
        XCTAssertEqual(config.lines["listen"], 4)
        XCTAssertNil(config["ca"])
    }

    func testEmptyFileIsAnEmptyConfig() throws {
        XCTAssertEqual(try NodeConfig.parse(""), NodeConfig())
        XCTAssertEqual(try NodeConfig.parse("# nothing\n\n"), NodeConfig())
    }

    func testUnknownKeyNamesItsLine() {
        XCTAssertThrowsError(try NodeConfig.parse("data = /x\nlisten_addr = 1.2.3.4:5\n")) { error in
            let error = error as? NodeConfigError
            XCTAssertEqual(error?.line, 2)
            XCTAssertEqual(error?.key, "listen_addr")
            XCTAssertTrue(error?.message.hasPrefix("第 2 行：未知的键 listen_addr") ?? false, error?.message ?? "")
        }
    }

    func testLineWithoutEqualsIsMalformed() {
        XCTAssertThrowsError(try NodeConfig.parse("\n\ndata /var/lib/liandong")) { error in
            XCTAssertEqual((error as? NodeConfigError)?.line, 3)
            XCTAssertNil((error as? NodeConfigError)?.key)
        }
    }

    func testValuesAreCheckedForTheirKind() {
        let bad = [
            "data = var/lib/liandong": "data",
            "listen = 8750": "listen",
            "listen = [::1]": "listen",
            "insecure-http = maybe": "insecure-http",
            "backup-keep-days = -3": "backup-keep-days",
            "log-level = loud": "log-level",
            "ca =": "ca",
        ]
        for (line, key) in bad {
            XCTAssertThrowsError(try NodeConfig.parse(line), line) { error in
                XCTAssertEqual((error as? NodeConfigError)?.key, key, line)
                XCTAssertEqual((error as? NodeConfigError)?.line, 1, line)
            }
        }
    }

    func testAKeyGivenTwiceIsAnError() {
        XCTAssertThrowsError(try NodeConfig.parse("data = /a\ndata = /b")) { error in
            XCTAssertEqual((error as? NodeConfigError)?.line, 2)
            XCTAssertTrue((error as? NodeConfigError)?.reason.contains("第 1 行") ?? false)
        }
    }

    func testListenAddressForms() {
        XCTAssertEqual(ListenAddress.parse("127.0.0.1:8750"), ListenAddress(host: "127.0.0.1", port: 8750))
        XCTAssertEqual(ListenAddress.parse("[::1]:0"), ListenAddress(host: "::1", port: 0))
        XCTAssertNil(ListenAddress.parse(":8750"))
        XCTAssertNil(ListenAddress.parse("host:70000"))
        XCTAssertTrue(ListenAddress(host: "127.0.0.1", port: 1).isLoopback)
        XCTAssertFalse(ListenAddress(host: "0.0.0.0", port: 1).isLoopback)
    }
}
