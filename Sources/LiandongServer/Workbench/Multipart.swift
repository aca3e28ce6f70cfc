/// Multipart is a `multipart/form-data` body (RFC 7578) as the workbench's upload form sends it:
/// its text fields (the CSRF token, the material) and its files (name and bytes). It keeps the
/// body it was given; nothing is decoded beyond the part headers.
struct Multipart: Sendable {
    struct File: Sendable {
        var field: String
        var fileName: String
        var bytes: ArraySlice<UInt8>
    }

    var fields: [String: [String]] = [:]
    var files: [File] = []

    /// The boundary of a `Content-Type: multipart/form-data; boundary=…` header, or nil.
    static func boundary(contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2 ? String(pair[1].dropFirst().dropLast()) : pair[1]
            return value.isEmpty || value.utf8.count > 70 ? nil : value
        }
        return nil
    }

    /// Parses the body; a body that is not well-formed multipart is nil.
    init?(body: [UInt8], boundary: String) {
        let delimiter = Array("--\(boundary)".utf8)
        var position = Self.find(delimiter, in: body, from: 0)
        guard var start = position else { return nil }
        while true {
            start += delimiter.count
            // "--" after the delimiter ends the body.
            if start + 2 <= body.count, body[start] == 0x2D, body[start + 1] == 0x2D { return }
            guard start + 2 <= body.count, body[start] == 0x0D, body[start + 1] == 0x0A else { return nil }
            start += 2
            guard let headerEnd = Self.find([0x0D, 0x0A, 0x0D, 0x0A], in: body, from: start) else { return nil }
            let headers = String(decoding: body[start..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            position = Self.find([0x0D, 0x0A] + delimiter, in: body, from: contentStart)
            guard let contentEnd = position else { return nil }
            var name: String?
            var fileName: String?
            for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                name = Self.parameter("name", in: String(line))
                fileName = Self.parameter("filename", in: String(line))
            }
            if let name {
                let bytes = body[contentStart..<contentEnd]
                if let fileName {
                    if !bytes.isEmpty { files.append(File(field: name, fileName: fileName, bytes: bytes)) }
                } else {
                    fields[name, default: []].append(String(decoding: bytes, as: UTF8.self))
                }
            }
            start = contentEnd + 2
        }
    }

    /// A quoted parameter of a Content-Disposition line (`name="material"`); browsers send file
    /// names as UTF-8 between the quotes, with `"` as %22.
    static func parameter(_ key: String, in line: String) -> String? {
        guard let range = line.range(of: "; \(key)=\"") else { return nil }
        let rest = line[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end]).replacingOccurrences(of: "%22", with: "\"")
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var index = from
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
