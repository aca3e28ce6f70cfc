/// BackupFormat is the layout of a liandong backup file (`.ldbk`), one file holding everything a
/// node needs on a new PC. Documented for administrators in Deploy/README.md.
///
///     header  "LDBACKUP" · version (1 byte, 1) · cipher (1 byte: 0 none, 1 scrypt + AES-256-GCM)
///             cipher 1 adds: scrypt logN (1) · r (4, big-endian) · p (4) · salt (16) · nonce (12)
///     body    records, encrypted as one GCM stream when cipher is 1 (the header is its AAD):
///             'F' · name length (2) · name (UTF-8) · size (8) · bytes      one file
///             'E' · SHA-256 of every body byte before this record          end
///     trailer cipher 1 only: the 16-byte GCM tag
///
/// The end record makes a truncated or altered plain backup detectable; the tag does the same,
/// and proves the passphrase, for an encrypted one.
public enum BackupFormat {
    public static let magic: [UInt8] = Array("LDBACKUP".utf8)
    public static let version: UInt8 = 1
    public static let extensionName = "ldbk"

    public enum Cipher: UInt8, Sendable {
        case none = 0
        case scryptAES256GCM = 1
    }

    /// Names of the entries a node backup holds.
    public static let manifestName = "manifest.json"
    public static let databaseName = "liandong.sqlite"
    public static let keyName = "node.key"
    /// Attachments (scans, result documents) once the node keeps them as files.
    public static let attachmentsDirectory = "attachments"

    /// A stored name is relative, made of plain components: nothing may land outside the target.
    public static func isSafeName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 1024, !name.hasPrefix("/") else { return false }
        return name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part != "." && part != ".." && !part.contains("\0")
        }
    }

    static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    static func integer<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>, as: T.Type) -> T {
        bytes.reduce(T(0)) { ($0 << 8) | T($1) }
    }
}
