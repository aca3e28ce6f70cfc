/// FileMediaType is a kind of file a case may carry: scans and photos of materials, and result
/// documents. It is judged by content, never by name (issue 12): a renamed executable is refused.
public enum FileMediaType: String, Sendable, CaseIterable {
    case pdf = "application/pdf"
    /// OFD (GB/T 33190-2016, 电子文件存储与交换格式): a ZIP package whose entry file is OFD.xml.
    case ofd = "application/ofd"
    case jpeg = "image/jpeg"
    case png = "image/png"

    /// The usual file name ending, for exported files.
    public var fileExtension: String {
        switch self {
        case .pdf: return "pdf"
        case .ofd: return "ofd"
        case .jpeg: return "jpg"
        case .png: return "png"
        }
    }

    public var chineseName: String {
        switch self {
        case .pdf: return "PDF"
        case .ofd: return "OFD"
        case .jpeg: return "JPEG 图片"
        case .png: return "PNG 图片"
        }
    }

    /// How many bytes of the file's start and end `sniff` needs.
    public static let headBytes = 64
    /// A ZIP's central directory sits at its end: 64 KiB holds it for any OFD a window produces.
    public static let tailBytes = 64 << 10

    static let pdfMagic: [UInt8] = Array("%PDF-".utf8)
    static let pngMagic: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let jpegMagic: [UInt8] = [0xFF, 0xD8, 0xFF]
    static let zipLocalHeader: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    static let zipCentralHeader: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
    static let ofdEntry: [UInt8] = Array("OFD.xml".utf8)

    /// The type of a file from its first `headBytes` and last `tailBytes` (the whole file when it
    /// is smaller), or nil when it is none of the four. A ZIP counts as OFD only when its first
    /// entry or an entry of its central directory is named OFD.xml at the package root.
    public static func sniff(head: [UInt8], tail: [UInt8]) -> FileMediaType? {
        if head.starts(with: pdfMagic) { return .pdf }
        if head.starts(with: pngMagic) { return .png }
        if head.starts(with: jpegMagic) { return .jpeg }
        guard head.starts(with: zipLocalHeader) else { return nil }
        // Local file header: name length at 26 (2 bytes, little-endian), name at 30.
        if head.count >= 30 {
            let length = Int(head[26]) | Int(head[27]) << 8
            if length == ofdEntry.count, head.count >= 30 + length, Array(head[30..<(30 + length)]) == ofdEntry { return .ofd }
        }
        // Central directory file header: name length at 28, name at 46.
        var index = 0
        while index + 46 <= tail.count {
            if tail[index] == 0x50, Array(tail[index..<(index + 4)]) == zipCentralHeader {
                let length = Int(tail[index + 28]) | Int(tail[index + 29]) << 8
                let start = index + 46
                if length == ofdEntry.count, start + length <= tail.count, Array(tail[start..<(start + length)]) == ofdEntry { return .ofd }
            }
            index += 1
        }
        return nil
    }
}
