import CCrypto
import Foundation
import LiandongDomain

/// SelfSignedCertificate is the TLS identity a node makes for itself at `init` when it listens
/// beyond loopback: an ECDSA P-256 key and a self-signed X.509 certificate, made with libcrypto.
/// No CA vouches for it; children trust it by its public key's fingerprint, which the enrolment
/// token carries (RFC 7469's pin format: base64 of the SHA-256 of the SubjectPublicKeyInfo).
public enum SelfSignedCertificate {
    /// The files under the data directory.
    public static let directoryName = "tls"
    public static let certificateName = "cert.pem"
    public static let keyName = "key.pem"
    /// Ten years: a village PC is rarely visited; renewal is a deliberate act (doctor warns 30 days ahead).
    public static let validDays = 3650

    /// Makes a key and certificate for commonName; returns (certificate PEM, private key PEM).
    public static func make(commonName: String, validDays: Int = validDays) throws -> (certificate: String, key: String) {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil) else { throw CryptoError("EVP_PKEY_CTX_new_id") }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, liandong_set_ec_curve(context, NID_X9_62_prime256v1) == 1,
            EVP_PKEY_keygen(context, &key) == 1, let key
        else { throw CryptoError("EC key generation") }
        defer { EVP_PKEY_free(key) }
        guard let certificate = X509_new() else { throw CryptoError("X509_new") }
        defer { X509_free(certificate) }
        let serial = try secureRandomBytes(8).reduce(UInt64(0)) { ($0 << 8) | UInt64($1) } >> 1
        guard X509_set_version(certificate, 2) == 1,
            ASN1_INTEGER_set_uint64(X509_get_serialNumber(certificate), serial) == 1,
            X509_gmtime_adj(X509_getm_notBefore(certificate), -3600) != nil,
            X509_gmtime_adj(X509_getm_notAfter(certificate), Int(validDays) * 86400) != nil,
            X509_set_pubkey(certificate, key) == 1,
            let name = X509_get_subject_name(certificate),
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, commonName, -1, -1, 0) == 1,
            X509_set_issuer_name(certificate, name) == 1
        else { throw CryptoError("X509 fields") }
        // Children do not check names (the pin is the trust), but browsers on the LAN show it.
        if let extensionValue = X509V3_EXT_conf_nid(nil, nil, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1") {
            X509_add_ext(certificate, extensionValue, -1)
            X509_EXTENSION_free(extensionValue)
        }
        guard X509_sign(certificate, key, EVP_sha256()) > 0 else { throw CryptoError("X509_sign") }
        let certificatePEM = try pem { PEM_write_bio_X509($0, certificate) }
        let keyPEM = try pem { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
        return (certificatePEM, keyPEM)
    }

    /// Writes a new identity into DIR/tls (key 0600) unless one is there; returns the paths.
    @discardableResult
    public static func ensure(in directory: String, commonName: String) throws -> (certificate: String, key: String) {
        let folder = directory + "/" + directoryName
        let paths = (folder + "/" + certificateName, folder + "/" + keyName)
        if FileManager.default.fileExists(atPath: paths.0), FileManager.default.fileExists(atPath: paths.1) { return paths }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let made = try make(commonName: commonName)
        try write(made.key, to: paths.1, mode: 0o600)
        try write(made.certificate, to: paths.0, mode: 0o644)
        return paths
    }

    /// The pin of a PEM certificate: base64 of SHA-256 over its DER SubjectPublicKeyInfo.
    public static func pin(certificatePEM: String) throws -> String {
        let bytes = Array(certificatePEM.utf8)
        guard let bio = BIO_new_mem_buf(bytes, Int32(bytes.count)) else { throw CryptoError("BIO_new_mem_buf") }
        defer { BIO_free(bio) }
        guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else { throw CryptoError("PEM_read_bio_X509") }
        defer { X509_free(certificate) }
        guard let key = X509_get0_pubkey(certificate) else { throw CryptoError("X509_get0_pubkey") }
        let length = i2d_PUBKEY(key, nil)
        guard length > 0 else { throw CryptoError("i2d_PUBKEY") }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var pointer = buffer.baseAddress
            return i2d_PUBKEY(key, &pointer)
        }
        guard written == length else { throw CryptoError("i2d_PUBKEY") }
        return Data(SHA256.hash(der)).base64EncodedString()
    }

    public static func pin(certificateFile: String) throws -> String {
        guard let pem = try? String(contentsOfFile: certificateFile, encoding: .utf8) else {
            throw CryptoError("read", reason: "cannot read \(certificateFile)")
        }
        return try pin(certificatePEM: pem)
    }

    private static func pem(_ write: (OpaquePointer) -> Int32) throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError("BIO_new") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw CryptoError("PEM_write") }
        var pointer: UnsafeMutablePointer<CChar>?
        let length = liandong_bio_mem_data(bio, &pointer)
        guard length > 0, let pointer else { throw CryptoError("BIO_get_mem_data") }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    private static func write(_ text: String, to path: String, mode: mode_t) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw StoreError("tls_write_failed", "无法创建 \(path)：\(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        guard Foundation.write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            throw StoreError("tls_write_failed", "无法写入 \(path)")
        }
    }
}
