import LiandongDomain

extension CaseNumber {
    /// A query code for the public status page, from libcrypto's CSPRNG.
    static func queryCode() throws -> String {
        queryCode(from: try secureRandomBytes(8))
    }
}
