/// ResponseSink collects one response's headers and decoded body from curl's callbacks.
///
/// curl calls back on the thread running `curl_easy_perform`, so no locking is needed.
final class ResponseSink {
    private let limit: Int
    private(set) var body: [UInt8] = []
    private(set) var headers: [String: String] = [:]
    /// Set when the body passed `limit`; curl then reports CURLE_WRITE_ERROR.
    private(set) var exceeded = false

    init(limit: Int) {
        self.limit = limit
    }

    /// Appends body bytes; returning fewer bytes than given makes curl abort the transfer.
    func appendBody(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard count > 0, let data else { return count }
        // MAXFILESIZE only works when the server announces a length (and then on the
        // compressed size), so the decoded body is capped here too.
        guard count <= limit - body.count else {
            exceeded = true
            return 0
        }
        body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: count))
        return count
    }

    /// Records one header line; a status line starts a new header block (after a
    /// "100 Continue" or an informational response) so only the final block is kept.
    func appendHeader(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard count > 0, let data else { return count }
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: count), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headers = [:]
            return count
        }
        guard let colon = line.firstIndex(of: ":") else { return count }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingWhitespace()
        if let previous = headers[name] {
            headers[name] = previous + ", " + value
        } else {
            headers[name] = value
        }
        return count
    }
}

extension Substring {
    /// Drops leading and trailing spaces, tabs and line ends (header values end in CRLF).
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
