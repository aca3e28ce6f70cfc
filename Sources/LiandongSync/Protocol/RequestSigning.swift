import LiandongDomain
import LiandongStore

/// RequestSignature is the signed text of a sync request (Protocol/sync.md, request authentication):
/// `liandong-sync-1\nMETHOD\nPATH\nCODE\nTIME\nNONCE\nhex(SHA-256(body))`, signed with Ed25519 by
/// the requesting node's key.
public enum RequestSignature {
    public static let nodeHeader = "Liandong-Node"
    public static let timeHeader = "Liandong-Time"
    public static let nonceHeader = "Liandong-Nonce"
    public static let signatureHeader = "Liandong-Signature"

    public static func signedText(method: String, path: String, node: String, time: Int64, nonce: String, body: [UInt8]) -> [UInt8] {
        signedText(method: method, path: path, node: node, time: time, nonce: nonce, bodyDigest: SHA256.hex(body))
    }

    static func signedText(method: String, path: String, node: String, time: Int64, nonce: String, bodyDigest: String) -> [UInt8] {
        Array("liandong-sync-1\n\(method)\n\(path)\n\(node)\n\(time)\n\(nonce)\n\(bodyDigest)".utf8)
    }

    /// The four headers of a request signed by `writer`'s node at its clock's time: the body is
    /// hashed before the writer is taken, which it holds only to read the clock and sign.
    public static func headers(for writer: StoreWriter, method: String, path: String, body: [UInt8]) throws -> [(String, String)] {
        try headers(for: writer, method: method, path: path, bodyDigest: SHA256.hex(body))
    }

    /// The same, for a body whose SHA-256 (lower-case hex) was worked out before (PreparedPush).
    public static func headers(for writer: StoreWriter, method: String, path: String, bodyDigest digest: String) throws -> [(String, String)] {
        let nonce = Hex.encode(try secureRandomBytes(16))
        let node = writer.code
        let (time, signature) = try writer.with { store in
            let time = store.now()
            return (time, try store.signRequest(signedText(method: method, path: path, node: node, time: time, nonce: nonce, bodyDigest: digest)))
        }
        return [(nodeHeader, node), (timeHeader, String(time)), (nonceHeader, nonce), (signatureHeader, Hex.encode(signature))]
    }

    /// The four headers of a request signed by `store`'s node.
    public static func headers(for store: NodeStore, method: String, path: String, body: [UInt8], time: Int64) throws -> [(String, String)] {
        let nonce = Hex.encode(try secureRandomBytes(16))
        let node = store.identity.code
        let signature = try store.signRequest(signedText(method: method, path: path, node: node, time: time, nonce: nonce, body: body))
        return [(nodeHeader, node), (timeHeader, String(time)), (nonceHeader, nonce), (signatureHeader, Hex.encode(signature))]
    }
}

/// RequestVerifier checks a child's request against the parent's registry, in the contract's order:
/// headers present; node known; not revoked; a strict descendant; time within the window;
/// signature; nonce unused (recorded only once the signature holds).
public struct RequestVerifier {
    public let serverCode: String

    public init(serverCode: String) { self.serverCode = serverCode }

    /// Returns the requesting node's code, or throws the refusal.
    public func verify(_ request: HTTPServerRequest, store: NodeStore, now: Int64) throws -> String {
        func header(_ name: String) -> String? {
            guard let value = request.headers[name.lowercased()], !value.isEmpty else { return nil }
            return value
        }
        guard let node = header(RequestSignature.nodeHeader), let timeText = header(RequestSignature.timeHeader),
            let nonce = header(RequestSignature.nonceHeader), let signatureText = header(RequestSignature.signatureHeader)
        else {
            let missing = [RequestSignature.nodeHeader, RequestSignature.timeHeader, RequestSignature.nonceHeader, RequestSignature.signatureHeader]
                .filter { header($0) == nil }
            throw SyncError("unauthenticated", "缺少签名头：\(missing.joined(separator: ", "))", ["missing": .strings(missing)])
        }
        guard let registered = try store.registeredNode(node) else {
            throw SyncError("unknown_node", "节点 \(node) 未在本节点登记")
        }
        guard !registered.revoked else { throw SyncError("revoked_node", "节点 \(node) 已被撤销") }
        guard NodeCode.isBelow(node, serverCode) else {
            throw SyncError("not_a_child", "节点 \(node) 不在本节点 \(serverCode) 的辖区内")
        }
        guard let time = Int64(timeText) else {
            throw SyncError("unauthenticated", "\(RequestSignature.timeHeader) 应为毫秒数")
        }
        // A clock far ahead is told by how much (clock_skew); a request too old may be a replay.
        if time - now > SyncProtocol.requestWindowMillis {
            let seconds = (time - now) / 1000
            throw SyncError("clock_skew", "请求方时钟比本节点快 \(seconds) 秒（上限 300 秒），请校准时钟后再同步",
                            ["aheadSeconds": .int(seconds), "serverTime": .int(now)])
        }
        guard now - time <= SyncProtocol.requestWindowMillis else {
            throw SyncError("stale_request", "请求时间比本节点慢 \((now - time) / 1000) 秒，超过 5 分钟：请校准时钟", ["serverTime": .int(now)])
        }
        let nonceBytes = Hex.decode(nonce)
        guard nonce.count == 32, nonceBytes != nil, nonce == nonce.lowercased() else {
            throw SyncError("unauthenticated", "\(RequestSignature.nonceHeader) 应为 32 位小写十六进制")
        }
        let text = RequestSignature.signedText(method: request.method, path: request.path, node: node, time: time, nonce: nonce, body: request.body)
        guard let signature = Hex.decode(signatureText), signature.count == 64, signatureText == signatureText.lowercased(),
            let key = try? Ed25519PublicKey(registered.publicKey), key.isValidSignature(signature, for: text)
        else {
            throw SyncError("bad_signature", "请求签名无效")
        }
        guard try store.useNonce(nonce, node: node, at: now) else {
            throw SyncError("replayed_request", "该请求已处理过（随机数重复）")
        }
        return node
    }
}
