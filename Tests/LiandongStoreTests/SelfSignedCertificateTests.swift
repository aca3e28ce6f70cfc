import Foundation
import XCTest

@testable import LiandongStore

final class SelfSignedCertificateTests: XCTestCase {
    /// The pin libcrypto computes is the one the openssl tool computes from the same certificate
    /// (x509 -pubkey | pkey -outform der | sha256 | base64), which is what curl compares.
    func testPinMatchesOpenSSLsAndTheCertificateLastsTenYears() throws {
        let made = try SelfSignedCertificate.make(commonName: "liandong 330106")
        XCTAssertTrue(made.certificate.hasPrefix("-----BEGIN CERTIFICATE-----"))
        XCTAssertTrue(made.key.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let directory = NSTemporaryDirectory() + "liandong-cert-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/cert.pem"
        try made.certificate.write(toFile: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "openssl x509 -in '\(file)' -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(try SelfSignedCertificate.pin(certificatePEM: made.certificate), expected)
        let notAfter = try CertificateFile.notAfter(pem: made.certificate)
        let years = Double(notAfter) / 1000 - Date().timeIntervalSince1970
        XCTAssertEqual(years / 86400, 3650, accuracy: 1)
    }

    func testTwoIdentitiesHaveDifferentPinsAndEnsureKeepsAnExistingOne() throws {
        let directory = NSTemporaryDirectory() + "liandong-cert-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try SelfSignedCertificate.ensure(in: directory, commonName: "a")
        let pin = try SelfSignedCertificate.pin(certificateFile: first.certificate)
        let again = try SelfSignedCertificate.ensure(in: directory, commonName: "b")
        XCTAssertEqual(try SelfSignedCertificate.pin(certificateFile: again.certificate), pin, "an existing identity is kept")
        let other = try SelfSignedCertificate.make(commonName: "a")
        XCTAssertNotEqual(try SelfSignedCertificate.pin(certificatePEM: other.certificate), pin)
        let mode = try FileManager.default.attributesOfItem(atPath: first.key)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
    }
}
