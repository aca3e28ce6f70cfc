import Foundation
import XCTest

@testable import LiandongSync

final class TLSTests: XCTestCase {
    /// A self-signed certificate for 127.0.0.1 made by the openssl CLI in a temp directory.
    private struct Identity {
        let certificateFile: String
        let tls: HTTPServer.TLSIdentity
    }

    private var directory: URL?

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func makeIdentity(_ name: String) throws -> Identity {
        guard let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl", "/bin/openssl"]
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { throw XCTSkip("the openssl binary is not installed, so no test certificate can be made") }
        let directory = try self.directory ?? {
            let made = FileManager.default.temporaryDirectory.appendingPathComponent("liandong-tls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: made, withIntermediateDirectories: true)
            self.directory = made
            return made
        }()
        let key = directory.appendingPathComponent("\(name).key").path
        let certificate = directory.appendingPathComponent("\(name).pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=liandong test \(name)",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "openssl req failed")
        return Identity(
            certificateFile: certificate,
            tls: HTTPServer.TLSIdentity(
                certificatePEM: try String(contentsOfFile: certificate, encoding: .utf8),
                privateKeyPEM: try String(contentsOfFile: key, encoding: .utf8)))
    }

    func testHTTPSRequestTrustingTheCountyCA() throws {
        let identity = try makeIdentity("county")
        let server = try startServer(HTTPServer.Configuration(tls: identity.tls), handler: echoHandler)
        defer { server.stop() }
        let client = try HTTPClient(configuration: .init(caFile: identity.certificateFile))
        let response = try client.perform(
            HTTPRequest(method: "POST", url: url(server, "/sync/v1/push", scheme: "https"), body: noise(3000), gzipBody: true))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "POST /sync/v1/push body=3000")
    }

    func testAServerSignedByAnotherCAIsRefusedWithKindTLS() throws {
        let served = try makeIdentity("impostor")
        let trusted = try makeIdentity("county")
        let server = try startServer(HTTPServer.Configuration(tls: served.tls), handler: echoHandler)
        defer { server.stop() }
        let client = try HTTPClient(configuration: .init(caFile: trusted.certificateFile))
        do {
            _ = try client.perform(HTTPRequest(url: url(server, "/healthz", scheme: "https")))
            XCTFail("a certificate from an untrusted CA must be refused")
        } catch HTTPClientError.tls {
            // Expected: curl's CURLE_PEER_FAILED_VERIFICATION.
        } catch {
            XCTFail("expected .tls, got \(error)")
        }
        // The server survives a handshake the client aborted.
        let good = try HTTPClient(configuration: .init(caFile: served.certificateFile))
        XCTAssertEqual(try good.perform(HTTPRequest(url: url(server, "/ok", scheme: "https"))).status, 200)
    }

    func testOversizeBodyOverTLSGets413AndTheConnectionStaysUsable() throws {
        let identity = try makeIdentity("county")
        let server = try startServer(HTTPServer.Configuration(maxBodyBytes: 1 << 20, tls: identity.tls), handler: echoHandler)
        defer { server.stop() }
        let client = try HTTPClient(configuration: .init(caFile: identity.certificateFile))
        let target = url(server, "/push", scheme: "https")
        for _ in 0..<5 {
            let response = try client.perform(HTTPRequest(method: "POST", url: target, body: [UInt8](repeating: 1, count: 3 << 19)))
            XCTAssertEqual(response.status, 413)
        }
        XCTAssertEqual(try client.perform(HTTPRequest(method: "POST", url: target, body: [1])).status, 200)
    }

    func testPlainHTTPToATLSServerFailsWithoutHurtingIt() throws {
        let identity = try makeIdentity("county")
        let server = try startServer(HTTPServer.Configuration(tls: identity.tls), handler: echoHandler)
        defer { server.stop() }
        XCTAssertThrowsError(try HTTPClient(configuration: .init(timeout: .seconds(5))).perform(HTTPRequest(url: url(server, "/x"))))
        let client = try HTTPClient(configuration: .init(caFile: identity.certificateFile))
        XCTAssertEqual(try client.perform(HTTPRequest(url: url(server, "/x", scheme: "https"))).status, 200)
    }
}
