import CMicroHTTPD

/// Refusal is a request turned away before the handler sees it (bad gzip, too large).
struct Refusal: Error {
    let response: HTTPServerResponse
}

extension ServerCore {
    /// Builds the handler's view of a complete request, gunzipping the body if needed.
    func makeRequest(
        _ connection: OpaquePointer, _ url: UnsafePointer<CChar>?, _ method: UnsafePointer<CChar>?,
        _ context: RequestContext
    ) -> Result<HTTPServerRequest, Refusal> {
        let headers = Self.values(connection, .HEADER_KIND, lowercased: true)
        let methodName = method.map { String(cString: $0) } ?? ""
        let body: [UInt8]
        // A body on GET, HEAD, DELETE, OPTIONS or TRACE has no meaning (RFC 9110 §9.3): it is
        // dropped unread, so that the handler answers for the method (405) and not for the body.
        let carriesBody = ["POST", "PUT", "PATCH"].contains(methodName)
        switch decode(carriesBody ? context.body : [], encoding: headers["content-encoding"]) {
        case .success(let decoded): body = decoded
        case .failure(let refusal): return .failure(refusal)
        }
        return .success(
            HTTPServerRequest(
                method: methodName,
                path: url.map { String(cString: $0) } ?? "/",
                query: Self.values(connection, .GET_ARGUMENT_KIND, lowercased: false),
                headers: headers,
                body: body,
                remoteAddress: SocketAddress.describe(liandong_mhd_client_address(connection)),
                receivedAt: .now))
    }

    /// libmicrohttpd does not decode request bodies; gzip is capped after inflating too,
    /// since a few KiB of gzip can inflate to gigabytes.
    private func decode(_ body: [UInt8], encoding: String?) -> Result<[UInt8], Refusal> {
        // An empty body has nothing to decode, whatever header came with it.
        if body.isEmpty { return .success(body) }
        switch encoding?.lowercased() {
        case nil, "identity":
            return .success(body)
        case "gzip", "x-gzip":
            do {
                return .success(try Gzip.decompress(body, limit: configuration.maxDecompressedBodyBytes))
            } catch .tooLarge(let limit) {
                return .failure(Refusal(response: .bodyTooLarge(limit: limit)))
            } catch {
                return .failure(Refusal(response: .json(400, #"{"error":"bad_gzip","message":"请求体声明为 gzip，但不是有效的 gzip 数据"}"#)))
            }
        default:
            return .failure(Refusal(response: .json(415, #"{"error":"unsupported_content_encoding","message":"不支持的 Content-Encoding：只接受 gzip 或不压缩"}"#)))
        }
    }

    /// Collects one kind of connection value (headers or query arguments) into a dictionary;
    /// repeated headers are joined with ", ", a repeated query argument keeps its last value.
    static func values(_ connection: OpaquePointer, _ kind: MHD_ValueKind, lowercased: Bool) -> [String: String] {
        let collector = ValueCollector(lowercased: lowercased)
        _ = withExtendedLifetime(collector) {
            MHD_get_connection_values(connection, kind, { context, kind, key, value in
                guard let context, let key else { return .YES }
                let collector = Unmanaged<ValueCollector>.fromOpaque(context).takeUnretainedValue()
                collector.add(String(cString: key), value.map { String(cString: $0) } ?? "", joining: kind == .HEADER_KIND)
                return .YES
            }, Unmanaged.passUnretained(collector).toOpaque())
        }
        return collector.values
    }
}

/// ValueCollector accumulates name/value pairs from `MHD_get_connection_values`.
private final class ValueCollector {
    let lowercased: Bool
    var values: [String: String] = [:]

    init(lowercased: Bool) {
        self.lowercased = lowercased
    }

    func add(_ name: String, _ value: String, joining: Bool) {
        let key = lowercased ? name.lowercased() : name
        if joining, let previous = values[key] {
            values[key] = previous + ", " + value
        } else {
            values[key] = value
        }
    }
}
