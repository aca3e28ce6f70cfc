import Foundation
import XCTest

/// TLS without a PKI: a county listening beyond loopback makes its own certificate at `init`, its
/// enrolment tokens carry the certificate's pin, and a child trusts exactly that key.
final class TLSPinningEndToEndTests: XCTestCase {
    private func serve(_ directory: String, log: String) throws -> Spawned {
        let server = try Spawned(["serve", "--data", directory], log: log)
        let up = eventually(within: 30) {
            String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self).contains("serving county") || !server.isRunning
        }
        guard up, server.isRunning else {
            throw E2EFailure("serve did not start: \(String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self))")
        }
        return server
    }

    func testChildPinsItsParentFromTheTokenAndRefusesAnotherCertificateAtTheSameAddress() throws {
        let root = try TestNode()
        let port = try FreePort.pick()
        let county = root.file("county")
        let initialized = try Liandong.run(
            ["init", "--data", county, "--role", "county", "--code", "330106", "--name", "西湖区", "--listen", "0.0.0.0:\(port)"], now: nil)
        XCTAssertTrue(initialized.succeeded, initialized.transcript)
        XCTAssertTrue(FileManager.default.fileExists(atPath: county + "/tls/cert.pem"), "init made a certificate")
        let key = try FileManager.default.attributesOfItem(atPath: county + "/tls/key.pem")[.posixPermissions] as? Int
        XCTAssertEqual(key, 0o600)
        var server = try serve(county, log: root.file("county.log"))
        defer { server.stop() }
        XCTAssertTrue(String(decoding: FileManager.default.contents(atPath: root.file("county.log")) ?? Data(), as: UTF8.self)
            .contains("on https://0.0.0.0:\(port)"), "it serves https with its own certificate")

        let added = try Liandong.run(["node", "add", "--data", county, "--code", "330106109", "--role", "township", "--name", "三墩镇", "--json"], now: nil)
        let token = try XCTUnwrap(try added.object()["token"] as? String, added.transcript)
        XCTAssertTrue(token.contains("."), "the token carries the pin: \(token)")
        XCTAssertTrue((try added.object()["command"] as? String ?? "").contains("https://"), added.transcript)

        // A token whose pin is not the county's: refused before anything is sent, nothing is left behind.
        let wrongPin = String(token.prefix { $0 != "." }) + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        let town = root.file("town")
        let refused = try Liandong.run(
            ["init", "--data", town, "--role", "township", "--code", "330106109", "--name", "三墩镇", "--parent", "https://127.0.0.1:\(port)",
             "--enroll", wrongPin, "--json"], now: nil)
        XCTAssertEqual(try refused.object()["error"] as? String, "pin_mismatch", refused.transcript)
        XCTAssertTrue(refused.stderr.contains("公钥指纹不符"), refused.transcript)
        XCTAssertFalse(FileManager.default.fileExists(atPath: town))

        // The real token: no CA file, no warning; the pin is the trust.
        let joined = try Liandong.run(
            ["init", "--data", town, "--role", "township", "--code", "330106109", "--name", "三墩镇", "--parent", "https://127.0.0.1:\(port)",
             "--enroll", token], now: nil)
        XCTAssertTrue(joined.succeeded, joined.transcript)
        let synced = try Liandong.run(["sync", "--data", town, "--once"], now: nil)
        XCTAssertTrue(synced.succeeded, synced.transcript)

        // Another server with another certificate at the parent's address: refused, with a clear message.
        server.stop()
        let impostor = root.file("impostor")
        XCTAssertTrue(try Liandong.run(
            ["init", "--data", impostor, "--role", "county", "--code", "330106", "--name", "冒充", "--listen", "0.0.0.0:\(port)"], now: nil).succeeded)
        // The port may take a moment to be free again after the county's process ends.
        var started: Spawned?
        for _ in 0..<10 where started == nil {
            started = try? serve(impostor, log: root.file("impostor.log"))
            if started == nil { Thread.sleep(forTimeInterval: 1) }
        }
        server = try XCTUnwrap(started, "the impostor never started on port \(port)")
        let cut = try Liandong.run(["sync", "--data", town, "--once", "--json"], now: nil)
        XCTAssertFalse(cut.succeeded, cut.transcript)
        XCTAssertTrue(cut.stderr.contains("该地址上的证书不是加入口令中登记的上级证书（公钥指纹不符），连接已拒绝"), cut.transcript)
        let doctor = try Liandong.run(["doctor", "--data", town], now: nil)
        XCTAssertEqual(doctor.exitCode, 1)
        XCTAssertTrue(doctor.stdout.contains("公钥指纹不符"), doctor.transcript)
    }
}
