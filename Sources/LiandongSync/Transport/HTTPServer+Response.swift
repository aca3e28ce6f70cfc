import CMicroHTTPD

extension ServerCore {
    /// Queues `response`, gzipping it when the client accepts gzip and it is worth it.
    func send(_ response: HTTPServerResponse, to connection: OpaquePointer, _ context: RequestContext) -> MHD_Result {
        // A handler's bad status must not reach the wire (MHD would send it verbatim).
        var response = (100...599).contains(response.status) ? response : .internalError
        if response.body.count > configuration.gzipMinimumBytes,
            Self.acceptsGzip(Self.header(connection, "Accept-Encoding")),
            !response.headers.keys.contains(where: { $0.lowercased() == "content-encoding" }),
            let compressed = try? Gzip.compress(response.body), compressed.count < response.body.count
        {
            response.body = compressed
            response.headers["Content-Encoding"] = "gzip"
            response.headers["Vary"] = "Accept-Encoding"
        }
        // While stopping, tell keep-alive clients not to reuse a connection about to close.
        if lot.isStopping { response.headers["Connection"] = "close" }
        let created = response.body.withUnsafeBytes {
            // MUST_COPY: MHD copies the bytes, so nothing of ours has to outlive this call.
            MHD_create_response_from_buffer($0.count, UnsafeMutableRawPointer(mutating: $0.baseAddress), .RESPMEM_MUST_COPY)
        }
        guard let created else { return .NO }
        defer { MHD_destroy_response(created) }
        for (name, value) in response.headers where Self.isAllowedHeader(name, value) {
            _ = MHD_add_response_header(created, name, value)
        }
        return MHD_queue_response(connection, UInt32(response.status), created)
    }

    /// True when an Accept-Encoding value lists gzip (or `*`) with a non-zero quality.
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        return header.lowercased().split(separator: ",").contains { item in
            let parts = item.split(separator: ";").map { $0.trimmingWhitespace() }
            guard let coding = parts.first, ["gzip", "x-gzip", "*"].contains(coding) else { return false }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) }
            return (quality ?? 1) > 0
        }
    }

    /// Framing headers are MHD's job, and a line break in a header would split the response.
    private static func isAllowedHeader(_ name: String, _ value: String) -> Bool {
        let lower = name.lowercased()
        guard !name.isEmpty, lower != "content-length", lower != "transfer-encoding" else { return false }
        return !(name + value).utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
    }
}
