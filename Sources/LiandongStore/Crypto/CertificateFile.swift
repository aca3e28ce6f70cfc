import CCrypto
import Foundation

/// CertificateFile reads what `doctor` and `status` need from a PEM certificate with libcrypto:
/// when it stops being valid.
public enum CertificateFile {
    /// The certificate's notAfter in milliseconds since the epoch.
    public static func notAfter(pem: String) throws -> Int64 {
        let bytes = Array(pem.utf8)
        guard let bio = BIO_new_mem_buf(bytes, Int32(bytes.count)) else { throw CryptoError("BIO_new_mem_buf") }
        defer { BIO_free(bio) }
        guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else { throw CryptoError("PEM_read_bio_X509") }
        defer { X509_free(certificate) }
        guard let time = X509_get0_notAfter(certificate) else { throw CryptoError("X509_get0_notAfter") }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { throw CryptoError("ASN1_TIME_to_tm") }
        return Int64(timegm(&parts)) * 1000
    }

    /// The notAfter of the certificate in a file.
    public static func notAfter(file: String) throws -> Int64 {
        guard let pem = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw CryptoError("read", reason: "cannot read \(file)")
        }
        return try notAfter(pem: pem)
    }
}
