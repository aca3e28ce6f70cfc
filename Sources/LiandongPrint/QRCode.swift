import CQREncode

/// QRCode is the module matrix of a QR code (ISO/IEC 18004) made by Debian's libqrencode:
/// `width × width` modules, `true` for dark. Printed documents draw it as inline SVG (QRCode+SVG.swift),
/// so a page needs no image file and makes no request.
public struct QRCode: Hashable, Sendable {
    /// Error-correction level: how much of the symbol may be smudged or covered and still read.
    public enum Level: Int32, Sendable {
        case low = 0, medium = 1, quartile = 2, high = 3
    }

    /// Symbol version 1…40; the width is `17 + 4 × version`.
    public let version: Int
    public let width: Int
    /// Row-major, `width * width` entries.
    public let modules: [Bool]

    public func isDark(row: Int, column: Int) -> Bool { modules[row * width + column] }

    /// Encodes `text` as UTF-8 bytes (8-bit mode, case kept) in the smallest version that fits.
    /// Medium correction (about 15 %) is what a stamped, folded paper notice needs without growing the symbol much.
    public init(encoding text: String, level: Level = .medium) throws(QRCodeError) {
        guard !text.isEmpty else { throw QRCodeError.empty }
        // Version 40-M holds 2331 bytes; refuse early so the error says what is wrong.
        guard text.utf8.count <= 2331 else { throw QRCodeError.tooLong(bytes: text.utf8.count) }
        guard !text.utf8.contains(0) else { throw QRCodeError.containsNUL }
        guard let symbol = liandong_qr_encode_8bit(text, Int32(level.rawValue)) else {
            throw QRCodeError.encodingFailed(bytes: text.utf8.count)
        }
        defer { QRcode_free(symbol) }
        let width = Int(symbol.pointee.width)
        // libqrencode: bit 0 of each byte is the module colour (1 = dark); the other bits say what kind of module it is.
        let buffer = UnsafeBufferPointer(start: symbol.pointee.data, count: width * width)
        self.version = Int(symbol.pointee.version)
        self.width = width
        self.modules = buffer.map { $0 & 1 == 1 }
    }
}

/// QRCodeError says why a text could not become a QR code.
public enum QRCodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case containsNUL
    case tooLong(bytes: Int)
    case encodingFailed(bytes: Int)

    public var code: String {
        switch self {
        case .empty: return "qr_empty"
        case .containsNUL: return "qr_contains_nul"
        case .tooLong: return "qr_too_long"
        case .encodingFailed: return "qr_encoding_failed"
        }
    }

    public var description: String {
        switch self {
        case .empty: return "二维码内容为空"
        case .containsNUL: return "二维码内容含有 NUL 字符"
        case .tooLong(let bytes): return "二维码内容 \(bytes) 字节，超过 2331 字节上限"
        case .encodingFailed(let bytes): return "libqrencode 无法编码 \(bytes) 字节的内容"
        }
    }
}
