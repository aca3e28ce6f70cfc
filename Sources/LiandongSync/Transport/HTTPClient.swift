import CCurl
import Foundation

/// HTTPClient sends requests one at a time over a single reused curl easy handle.
///
/// Not Sendable: a curl easy handle must only be used by one thread at a time. Reusing the
/// handle (`curl_easy_reset` between requests) keeps its connection and DNS caches, so a
/// sync loop talking to its parent keeps one warm keep-alive connection (STYLE.md pitfalls).
public final class HTTPClient {
    /// Limits and TLS trust for every request this client sends.
    public struct Configuration: Sendable {
        public var connectTimeout: Duration
        /// The whole exchange, including a long-poll's wait: set it above the server's deadline.
        public var timeout: Duration
        /// Abort when fewer than `lowSpeedLimit` bytes/s flow for `lowSpeedTime`. A floor of
        /// 1 byte/s never trips on a link that trickles, so the default is a real 1 KiB/s.
        public var lowSpeedLimit: Int
        public var lowSpeedTime: Duration
        /// Largest decoded response body accepted; beyond it the transfer is aborted.
        public var maxResponseBytes: Int
        /// PEM file of the CAs trusted for https (a county's own CA); nil uses the system store.
        public var caFile: String?
        /// The parent's public-key pins (base64 SHA-256 of its SubjectPublicKeyInfo, from the
        /// enrolment token or the parent's signed announcement): the server must present one of
        /// them. With no caFile the pin alone is the trust: no CA, no name check.
        public var pinnedPublicKeys: [String]
        public var userAgent: String

        public init(
            connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(60),
            lowSpeedLimit: Int = 1024, lowSpeedTime: Duration = .seconds(15),
            maxResponseBytes: Int = 64 << 20, caFile: String? = nil, userAgent: String = "liandong",
            pinnedPublicKeys: [String] = []
        ) {
            self.pinnedPublicKeys = pinnedPublicKeys
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.lowSpeedLimit = lowSpeedLimit
            self.lowSpeedTime = lowSpeedTime
            self.maxResponseBytes = maxResponseBytes
            self.caFile = caFile
            self.userAgent = userAgent
        }
    }

    public let configuration: Configuration
    private let handle: UnsafeMutableRawPointer
    /// curl writes its message here during `perform`; it must outlive every call.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// New connections curl had to open so far; stays at 1 while keep-alive reuse works.
    private(set) var connectionsOpened = 0

    /// `curl_global_init` is not thread-safe and must run once before any handle exists;
    /// a static let is initialised exactly once, under a lock, on first use.
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    public init(configuration: Configuration = Configuration()) throws(HTTPClientError) {
        guard Self.globalInit == CURLE_OK, let handle = curl_easy_init() else {
            throw HTTPClientError(kind: .other, curlCode: Int(CURLE_FAILED_INIT.rawValue),
                                  message: "curl initialisation failed", url: "")
        }
        self.configuration = configuration
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Sends `request` and returns the response, whatever its status.
    public func perform(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        var body = request.body
        let sendsBody = hasBody(request, bodyCount: body.count)
        if request.gzipBody && sendsBody {
            do { body = try Gzip.compress(request.body) } catch {
                throw fail(CURLE_BAD_FUNCTION_ARGUMENT, "gzip of the request body failed: \(error)", request)
            }
        }
        let started = ContinuousClock.now
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        let sink = ResponseSink(limit: configuration.maxResponseBytes)
        try configure(for: request, body: sendsBody ? body.count : nil, sink: sink, headerList: &headerList)

        // POSTFIELDS is not copied by curl: the body must stay alive until perform returns,
        // so perform runs inside the closure that lends its address (STYLE.md pitfalls).
        // A zero-length body still gets a real pointer; a NULL one makes curl read stdin.
        let padded = body.isEmpty ? [0] : body
        let code = padded.withUnsafeBufferPointer { buffer -> CURLcode in
            if sendsBody {
                let code = liandong_curl_setopt_ptr(handle, CURLOPT_POSTFIELDS, buffer.baseAddress)
                guard code == CURLE_OK else { return code }
            }
            return withExtendedLifetime(sink) { curl_easy_perform(handle) }
        }
        guard code == CURLE_OK else {
            if code == CURLE_WRITE_ERROR && sink.exceeded {
                throw fail(CURLE_FILESIZE_EXCEEDED, "response larger than \(configuration.maxResponseBytes) bytes", request)
            }
            throw fail(code, nil, request)
        }
        var status = 0
        _ = liandong_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var opened = 0
        if liandong_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &opened) == CURLE_OK { connectionsOpened += opened }
        if let cap = request.maxBytesPerSecond, cap > 0 {
            // curl paces what it sends, but (7.88) reads whatever the socket already holds in one
            // go: a capped request also lasts at least its bytes over the cap, each way.
            let left = Duration.milliseconds(Int64(max(body.count, sink.body.count)) * 1000 / Int64(cap)) - (ContinuousClock.now - started)
            if left > .zero { Thread.sleep(forTimeInterval: Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18) }
        }
        return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
    }

    /// POST always carries a body (maybe empty); GET and HEAD never; others only when given one.
    private func hasBody(_ request: HTTPRequest, bodyCount: Int) -> Bool {
        request.method == "POST" || (bodyCount > 0 && request.method != "GET" && request.method != "HEAD")
    }

    /// Sets every option for `request`; `body` is the length of the body to send, if any.
    private func configure(
        for request: HTTPRequest, body: Int?, sink: ResponseSink,
        headerList: inout UnsafeMutablePointer<curl_slist>?
    ) throws(HTTPClientError) {
        let c = configuration
        try set(CURLOPT_ERRORBUFFER, UnsafeRawPointer(errorBuffer), request)
        try set(CURLOPT_URL, request.url, request)
        try set(CURLOPT_PROTOCOLS_STR, "http,https", request)
        // Without NOSIGNAL curl uses SIGALRM for DNS timeouts, which is unsafe with threads.
        try set(CURLOPT_NOSIGNAL, 1, request)
        try set(CURLOPT_TCP_KEEPALIVE, 1, request)
        try set(CURLOPT_CONNECTTIMEOUT_MS, milliseconds(c.connectTimeout), request)
        try set(CURLOPT_TIMEOUT_MS, milliseconds(c.timeout), request)
        try set(CURLOPT_LOW_SPEED_LIMIT, c.lowSpeedLimit, request)
        try set(CURLOPT_LOW_SPEED_TIME, max(1, milliseconds(c.lowSpeedTime) / 1000), request)
        // "" offers every encoding curl can decode, and curl then decodes the body itself.
        try set(CURLOPT_ACCEPT_ENCODING, "", request)
        try set(CURLOPT_USERAGENT, c.userAgent, request)
        if let caFile = c.caFile { try set(CURLOPT_CAINFO, caFile, request) }
        if !c.pinnedPublicKeys.isEmpty {
            // curl compares the server's key with the pins before any data is sent (CURLOPT_PINNEDPUBLICKEY, ";"-separated).
            try set(CURLOPT_PINNEDPUBLICKEY, c.pinnedPublicKeys.map { "sha256//" + $0 }.joined(separator: ";"), request)
            if c.caFile == nil {
                try set(CURLOPT_SSL_VERIFYPEER, 0, request)
                try set(CURLOPT_SSL_VERIFYHOST, 0, request)
            }
        }
        guard liandong_curl_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(c.maxResponseBytes)) == CURLE_OK
        else { throw fail(CURLE_BAD_FUNCTION_ARGUMENT, "CURLOPT_MAXFILESIZE_LARGE refused", request) }
        // curl_easy_reset clears the caps, so a capped blob chunk never slows the next request.
        if let cap = request.maxBytesPerSecond {
            guard liandong_curl_setopt_off(handle, CURLOPT_MAX_SEND_SPEED_LARGE, curl_off_t(cap)) == CURLE_OK,
                liandong_curl_setopt_off(handle, CURLOPT_MAX_RECV_SPEED_LARGE, curl_off_t(cap)) == CURLE_OK
            else { throw fail(CURLE_BAD_FUNCTION_ARGUMENT, "CURLOPT_MAX_SEND/RECV_SPEED_LARGE refused", request) }
        }

        switch request.method {
        case "GET": try set(CURLOPT_HTTPGET, 1, request)
        case "HEAD": try set(CURLOPT_NOBODY, 1, request)
        case "POST": break
        default: try set(CURLOPT_CUSTOMREQUEST, request.method, request)
        }
        if let body {
            guard liandong_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body)) == CURLE_OK
            else { throw fail(CURLE_BAD_FUNCTION_ARGUMENT, "CURLOPT_POSTFIELDSIZE_LARGE refused", request) }
        }

        // An empty "Expect:" stops curl waiting up to a second for "100 Continue" before
        // sending a body larger than 1 KiB (STYLE.md pitfalls).
        var lines = ["Expect:"]
        if (request.gzipBody || request.bodyIsGzip) && body != nil { lines.append("Content-Encoding: gzip") }
        for (name, value) in request.headers {
            guard Self.isHeaderSafe(name), !name.isEmpty, Self.isHeaderSafe(value) else {
                throw fail(CURLE_BAD_FUNCTION_ARGUMENT, "header \(name) has a line break or NUL", request)
            }
            // "Name;" is curl's spelling for a header sent with an empty value.
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else {
                throw fail(CURLE_OUT_OF_MEMORY, "curl_slist_append failed", request)
            }
            headerList = appended
        }
        try set(CURLOPT_HTTPHEADER, UnsafeRawPointer(headerList), request)

        let context = UnsafeRawPointer(Unmanaged.passUnretained(sink).toOpaque())
        try set(CURLOPT_WRITEDATA, context, request)
        try set(CURLOPT_HEADERDATA, context, request)
        let write = liandong_curl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            guard let context else { return 0 }
            return Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue().appendBody(data, size * count)
        }
        let header = liandong_curl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            guard let context else { return 0 }
            return Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue().appendHeader(data, size * count)
        }
        guard write == CURLE_OK, header == CURLE_OK else {
            throw fail(CURLE_BAD_FUNCTION_ARGUMENT, "curl refused a callback", request)
        }
    }

    private static func isHeaderSafe(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
    }

    private func set(_ option: CURLoption, _ value: Int, _ request: HTTPRequest) throws(HTTPClientError) {
        let code = liandong_curl_setopt_long(handle, option, value)
        guard code == CURLE_OK else { throw fail(code, nil, request) }
    }

    private func set(_ option: CURLoption, _ value: String, _ request: HTTPRequest) throws(HTTPClientError) {
        // curl copies string options (CURLOPT_POSTFIELDS excepted), so a temporary is enough.
        let code = value.withCString { liandong_curl_setopt_ptr(handle, option, $0) }
        guard code == CURLE_OK else { throw fail(code, nil, request) }
    }

    private func set(_ option: CURLoption, _ value: UnsafeRawPointer?, _ request: HTTPRequest) throws(HTTPClientError) {
        let code = liandong_curl_setopt_ptr(handle, option, value)
        guard code == CURLE_OK else { throw fail(code, nil, request) }
    }

    private func fail(_ code: CURLcode, _ message: String?, _ request: HTTPRequest) -> HTTPClientError {
        var text = message
            ?? (errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code)))
        if code == CURLE_SSL_PINNEDPUBKEYNOTMATCH {
            text = "该地址上的证书不是加入口令中登记的上级证书（公钥指纹不符），连接已拒绝：可能有人冒充上级，或上级更换了证书。请向上级管理员核实"
        }
        return HTTPClientError(kind: Self.kind(of: code), curlCode: Int(code.rawValue), message: text, url: request.url)
    }

    private static func kind(of code: CURLcode) -> HTTPClientError.Kind {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return .connect
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT,
            CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED:
            return .tls
        case CURLE_FILESIZE_EXCEEDED:
            return .tooLarge
        default:
            return .other
        }
    }

    private func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
