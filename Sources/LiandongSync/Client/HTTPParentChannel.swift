import LiandongDomain
import LiandongStore

/// HTTPParentChannel carries the exchange over signed HTTP requests (Protocol/sync.md, request
/// authentication), one connection. It takes the node's writer only to sign, never across a call.
/// Not Sendable: one per thread.
public final class HTTPParentChannel: ParentChannel {
    public let writer: StoreWriter
    public let parentURL: String
    let http: HTTPClient
    /// The cap on blob chunks now, in bytes per second (a village's daytime window); nil is none.
    /// Change messages are never capped.
    public var blobBytesPerSecond: () -> Int? = { nil }

    /// Caps blob chunks during `window`'s hours by the clock `now` (a village's `blob-bandwidth`).
    public func capBlobs(_ window: BandwidthWindow?, now: @escaping () -> Int64) {
        guard let window else { return }
        blobBytesPerSecond = { window.bytesPerSecond(atEpochMillis: now()) }
    }

    public init(writer: StoreWriter, parentURL: String, configuration: HTTPClient.Configuration = HTTPClient.Configuration()) throws {
        self.writer = writer
        var base = parentURL
        while base.hasSuffix("/") { base.removeLast() }
        self.parentURL = base
        self.http = try HTTPClient(configuration: configuration)
    }

    public func hello(_ request: HelloRequest) throws -> HelloResponse {
        try HelloResponse(try call("hello", body: request.json.canonicalBytes))
    }

    public func push(_ push: PreparedPush) throws -> PushResponse {
        let path = "/sync/v1/push"
        let headers = try RequestSignature.headers(for: writer, method: "POST", path: path, bodyDigest: push.bodyDigest)
        var request = HTTPRequest(method: "POST", url: parentURL + path, headers: [("Content-Type", "application/json")] + headers)
        if let gzipped = push.gzipped {
            request.body = gzipped
            request.bodyIsGzip = true
        } else {
            request.body = push.body
        }
        let response = try http.perform(request)
        guard response.status == 200 else { throw Self.refusal(response) }
        return try PushResponse(try MessageReader.parse(response.body, checkProtocol: false))
    }

    public func pull(_ request: PullRequest) throws -> PullResponse {
        try PullResponse(try call("pull", body: request.json.canonicalBytes))
    }

    public func fetch(_ request: FetchRequest) throws -> FetchResponse {
        try FetchResponse(try call("fetch", body: request.json.canonicalBytes))
    }

    public func blobStatus(_ sha256: String) throws -> Int64 {
        try JSONParser.parse(try signed("GET", "/sync/v1/blobs/" + sha256).body)["held"]?.intValue ?? 0
    }

    public func putChunk(_ sha256: String, offset: Int64, bytes: [UInt8]) throws -> (held: Int64, complete: Bool) {
        let answer = try JSONParser.parse(try signed(
            "PUT", "/sync/v1/blobs/\(sha256)/\(offset)", body: bytes, contentType: "application/octet-stream", capped: true).body)
        return (answer["held"]?.intValue ?? offset + Int64(bytes.count), answer["complete"]?.boolValue == true)
    }

    public func getChunk(_ sha256: String, offset: Int64) throws -> [UInt8] {
        try signed("GET", "/sync/v1/blobs/\(sha256)/\(offset)", capped: true).body
    }

    // MARK: Signed requests

    /// One signed request of any method to a path on the parent; a refusal is thrown as its SyncError.
    func signed(_ method: String, _ path: String, body: [UInt8] = [], contentType: String? = nil, capped: Bool = false) throws -> HTTPResponse {
        let headers = try RequestSignature.headers(for: writer, method: method, path: path, body: body)
        let response = try http.perform(HTTPRequest(
            method: method, url: parentURL + path, headers: (contentType.map { [("Content-Type", $0)] } ?? []) + headers, body: body,
            maxBytesPerSecond: capped ? blobBytesPerSecond() : nil))
        guard response.status == 200 else { throw Self.refusal(response) }
        return response
    }

    /// The parent's refusal as a SyncError: code, message and detail fields as sent.
    static func refusal(_ response: HTTPResponse) -> SyncError {
        if let fields = (try? JSONParser.parse(response.body))?.objectValue, let code = fields["error"]?.stringValue {
            var details = fields
            details["error"] = nil
            details["message"] = nil
            return SyncError(code, fields["message"]?.stringValue ?? "上级拒绝了请求（HTTP \(response.status)）", details.merging(["status": .int(Int64(response.status))]) { a, _ in a })
        }
        return SyncError("internal", "上级返回 HTTP \(response.status)", ["status": .int(Int64(response.status))])
    }

    /// A signed POST of a JSON message to /sync/v1/{endpoint}; returns the answer's reader.
    func call(_ endpoint: String, body bytes: [UInt8]) throws -> MessageReader {
        let path = "/sync/v1/" + endpoint
        let headers = try RequestSignature.headers(for: writer, method: "POST", path: path, body: bytes)
        let response = try http.perform(HTTPRequest(
            method: "POST", url: parentURL + path, headers: [("Content-Type", "application/json")] + headers, body: bytes,
            gzipBody: bytes.count > 1024))
        guard response.status == 200 else { throw Self.refusal(response) }
        return try MessageReader.parse(response.body, checkProtocol: false)
    }
}
