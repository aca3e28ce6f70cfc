import Foundation
import XCTest

/// TLS without a PKI: a county listening beyond loopback makes its own certificate at `init`, its
/// enrolment tokens carry the certificate's pin, and a child trusts exactly that key.
final class TLSPinningEndToEndTests: XCTestCase {
    private func serve(_ directory: String, log: String, extra: [String] = []) throws -> Spawned {
        let server = try Spawned(["serve", "--data", directory] + extra, log: log)
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
        // With --json the reason is the answer's `detail`; stderr carries the one-line message.
        XCTAssertTrue((try cut.object()["detail"] as? String ?? "").contains("该地址上的证书不是加入口令中登记的上级证书（公钥指纹不符），连接已拒绝"), cut.transcript)
        let doctor = try Liandong.run(["doctor", "--data", town], now: nil)
        XCTAssertEqual(doctor.exitCode, 1)
        XCTAssertTrue(doctor.stdout.contains("公钥指纹不符"), doctor.transcript)
    }

    /// A parent changes its key without cutting its child off: it announces the new pin in a signed
    /// change, the child takes it over the link it trusts, the parent switches certificates, and a
    /// second announcement retires the old key, after which the old certificate is refused.
    func testAParentAnnouncesANewKeyBeforeSwitchingAndTheChildFollows() throws {
        let root = try TestNode()
        let port = try FreePort.pick()
        let county = root.file("county")
        XCTAssertTrue(try Liandong.run(["init", "--data", county, "--role", "county", "--code", "330106", "--name", "西湖区", "--listen", "0.0.0.0:\(port)"], now: nil).succeeded)
        var server = try serve(county, log: root.file("county.log"))
        defer { server.stop() }
        let added = try Liandong.run(["node", "add", "--data", county, "--code", "330106109", "--role", "township", "--name", "三墩镇", "--json"], now: nil)
        let token = try XCTUnwrap(try added.object()["token"] as? String, added.transcript)
        let town = root.file("town")
        XCTAssertTrue(try Liandong.run(["init", "--data", town, "--role", "township", "--code", "330106109", "--name", "三墩镇",
                                        "--parent", "https://127.0.0.1:\(port)", "--enroll", token], now: nil).succeeded)
        XCTAssertTrue(try Liandong.run(["sync", "--data", town, "--once"], now: nil).succeeded)
        let oldPin = try XCTUnwrap(try Liandong.run(["tls", "show", "--data", county, "--json"], now: nil).object()["served"] as? String)

        // The new key: another node's self-made certificate stands in for the one the county will use.
        let spare = root.file("spare")
        XCTAssertTrue(try Liandong.run(["init", "--data", spare, "--role", "county", "--code", "330107", "--name", "备用", "--listen", "0.0.0.0:1"], now: nil).succeeded)
        let (newCert, newKey) = (spare + "/tls/cert.pem", spare + "/tls/key.pem")

        // Switching before the child knows: refused by the child.
        func restart(cert: String?, key: String?) throws {
            server.stop()
            let extra = cert.map { ["--tls-cert", $0, "--tls-key", key ?? ""] } ?? []
            // The port may take a moment to be free again after the last process ends.
            var started: Spawned?
            for _ in 0..<10 where started == nil {
                started = try? serve(county, log: root.file("county-\(UUID().uuidString).log"), extra: extra)
                if started == nil { Thread.sleep(forTimeInterval: 1) }
            }
            server = try XCTUnwrap(started, "the county did not start again on \(port)")
        }
        try restart(cert: newCert, key: newKey)
        let early = try Liandong.run(["sync", "--data", town, "--once", "--json"], now: nil)
        XCTAssertFalse(early.succeeded, early.transcript)
        XCTAssertTrue(early.stdout.contains("公钥指纹不符"), early.transcript)

        // Announced first over the trusted link, then switched: the child follows.
        try restart(cert: nil, key: nil)
        let announced = try Liandong.run(["tls", "announce", "--data", county, "--cert", newCert, "--json"], now: nil)
        XCTAssertTrue(announced.succeeded, announced.transcript)
        let newPin = try XCTUnwrap((try announced.object()["pins"] as? [String])?.last)
        XCTAssertEqual(try announced.object()["pins"] as? [String], [oldPin, newPin])
        XCTAssertTrue(try Liandong.run(["sync", "--data", town, "--once"], now: nil).succeeded)
        XCTAssertEqual(try Liandong.run(["tls", "show", "--data", town, "--json"], now: nil).object()["parentPins"] as? [String], [oldPin, newPin])
        try restart(cert: newCert, key: newKey)
        let switched = try Liandong.run(["sync", "--data", town, "--once", "--json"], now: nil)
        XCTAssertTrue(switched.succeeded, switched.transcript)

        // The old key retired: the old certificate is refused from then on.
        let retired = try Liandong.run(["tls", "announce", "--data", county, "--cert", newCert, "--retire-current", "--tls-cert", newCert, "--json"], now: nil)
        XCTAssertEqual(try retired.object()["pins"] as? [String], [newPin], retired.transcript)
        XCTAssertTrue(try Liandong.run(["sync", "--data", town, "--once"], now: nil).succeeded)
        try restart(cert: nil, key: nil)
        let old = try Liandong.run(["sync", "--data", town, "--once", "--json"], now: nil)
        XCTAssertFalse(old.succeeded, old.transcript)
        XCTAssertTrue(old.stdout.contains("公钥指纹不符"), old.transcript)
        XCTAssertTrue(try Liandong.run(["verify", "--data", town], now: nil).succeeded)
    }
}
