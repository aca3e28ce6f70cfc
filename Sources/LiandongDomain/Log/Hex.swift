/// Hex encodes bytes as lower-case hexadecimal, the form hashes and signatures take in JSON.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        append(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `bytes` as a JSON string of hex digits.
    public static func appendQuoted(_ bytes: [UInt8], to out: inout [UInt8]) {
        out.append(0x22)
        append(bytes, to: &out)
        out.append(0x22)
    }

    /// Appends the hex digits of `bytes` to `out`.
    public static func append(_ bytes: [UInt8], to out: inout [UInt8]) {
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
    }

    /// Decodes lower-case hex only, so that one value has one spelling.
    public static func decode(_ text: String) -> [UInt8]? {
        // A native string lends its bytes without a copy (every change carries three hex fields).
        if let decoded = text.utf8.withContiguousStorageIfAvailable({ decode(bytes: $0) }) { return decoded }
        return decode(bytes: Array(text.utf8))
    }

    private static func decode<Bytes: RandomAccessCollection<UInt8>>(bytes chars: Bytes) -> [UInt8]? where Bytes.Index == Int {
        guard chars.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = chars.startIndex
        while i < chars.endIndex {
            guard let hi = value(chars[i]), let lo = value(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}
