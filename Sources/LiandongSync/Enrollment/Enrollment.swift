import CCurl
import Foundation
import LiandongDomain
import LiandongStore

/// Enrollment is how a child node joins its parent (加入上级): `node add` at the parent makes a
/// one-time token; the child's `init --parent URL --enroll TOKEN` sends its code, role, name and
/// public key with the token to POST /sync/v1/enroll, and trusts the registry the parent answers.
public enum Enrollment {
    public static let path = "/sync/v1/enroll"
    public static let protocolVersion: Int64 = 1
    /// An enroll request is a few hundred bytes; anything much larger is not one.
    public static let maxBodyBytes = 64 << 10

    // MARK: Parent side

    /// Answers an enroll request body: 200 with the grant, or an error status with
    /// `{"error": CODE, "message": 中文}`. The router calls it for POST /sync/v1/enroll with the
    /// body already gunzipped; `store` is the serving thread's own NodeStore.
    public static func handle(body: [UInt8], store: NodeStore) -> (status: Int, body: JSONValue) {
        do {
            guard body.count <= maxBodyBytes else {
                throw EnrollmentError("body_too_large", "请求超过 \(maxBodyBytes) 字节", status: 413)
            }
            let request = try EnrollmentRequest.parse(body)
            let child = request.registration
            let grant = try store.enroll(token: request.token, code: child.code, role: child.role, name: child.name, publicKey: child.publicKey)
            return (200, grant.json)
        } catch let error as EnrollmentError {
            return (error.status, error.json)
        } catch let error as StoreError {
            let failure = EnrollmentError(error.code, error.message, status: status(of: error.code))
            if failure.status == 500 { log("enroll failed: \(error)") }
            return (failure.status, failure.json)
        } catch {
            log("enroll failed: \(error)")
            return (500, EnrollmentError("internal", "上级节点内部错误，加入未完成，请稍后重试", status: 500).json)
        }
    }

    /// The same as an HTTP response, refusing any method but POST: what the router returns.
    public static func respond(to request: HTTPServerRequest, store: NodeStore) -> HTTPServerResponse {
        guard request.method == "POST" else {
            let error = EnrollmentError("method_not_allowed", "只接受 POST 请求", status: 405)
            var response = HTTPServerResponse.json(405, error.json.canonicalString)
            response.headers["Allow"] = "POST"
            return response
        }
        let (status, body) = handle(body: request.body, store: store)
        return HTTPServerResponse.json(status, body.canonicalString)
    }

    /// The HTTP status of an error code the store throws while enrolling.
    static func status(of code: String) -> Int {
        switch code {
        case "invalid_token", "token_expired", "code_mismatch", "not_a_child", "revoked_node": return 403
        case "already_enrolled", "key_reused": return 409
        case "not_found": return 404
        case "invalid_message", "invalid_code", "invalid_name": return 400
        default: return 500
        }
    }

    private static func log(_ line: String) {
        FileHandle.standardError.write(Data("liandong: \(line)\n".utf8))
    }

    // MARK: Child side

    /// Enrolls this node with its parent and returns the grant: the parent and the registry to
    /// trust. Throws EnrollmentError with the parent's error code, or `parent_unreachable`,
    /// `tls_failed` and `bad_response` when no usable answer came. A request whose answer was
    /// lost is sent again: the parent answers a repeat from the same key with the same grant.
    public static func enroll(
        parentURL: String, token: String, identity: NodeIdentity, caFile: String? = nil, pin: String? = nil, attempts: Int = 3
    ) throws(EnrollmentError) -> EnrollmentGrant {
        guard let scheme = parentURL.split(separator: ":").first, scheme == "http" || scheme == "https" else {
            throw EnrollmentError("invalid_parent_url", "上级地址 \(parentURL) 无效，应为 http:// 或 https:// 开头", status: 0)
        }
        let registration = NodeRegistration(code: identity.code, role: identity.role, name: identity.name, publicKey: identity.publicKey)
        let body = Array(EnrollmentRequest(token: token, registration: registration).json.canonicalString.utf8)
        let url = (parentURL.hasSuffix("/") ? String(parentURL.dropLast()) : parentURL) + path
        let request = HTTPRequest(method: "POST", url: url, headers: [("Content-Type", "application/json")], body: body)
        let client: HTTPClient
        do {
            client = try HTTPClient(configuration: .init(connectTimeout: .seconds(10), timeout: .seconds(30), caFile: caFile, pinnedPublicKeys: pin.map { [$0] } ?? []))
        } catch {
            throw EnrollmentError("internal", "无法初始化 HTTP 客户端：\(error)", status: 0)
        }
        var response: HTTPResponse?
        var lastError: HTTPClientError?
        for _ in 0..<max(1, attempts) {
            do {
                response = try client.perform(request)
                break
            } catch {
                lastError = error
                // Nothing reached the parent: sending again would fail the same way.
                if error.kind == .connect || error.kind == .tls { break }
            }
        }
        guard let response else {
            let error = lastError
            if error?.curlCode == Int(CURLE_SSL_PINNEDPUBKEYNOTMATCH.rawValue) {
                throw EnrollmentError("pin_mismatch", "上级 \(parentURL) \(error?.message ?? "")", status: 0)
            }
            if error?.kind == .tls {
                throw EnrollmentError("tls_failed", "与上级 \(parentURL) 的 TLS 握手或证书校验失败（可用 --ca 指定县级 CA 证书）：\(error?.message ?? "")", status: 0)
            }
            throw EnrollmentError("parent_unreachable", "无法连接上级 \(parentURL)：\(error?.message ?? "未知错误")", status: 0)
        }
        let json = try? JSONParser.parse(response.body)
        guard response.status == 200 else {
            if let code = json?["error"]?.stringValue, !code.isEmpty {
                var extra = json?.objectValue ?? [:]
                for key in ["error", "message", "field"] { extra[key] = nil }
                throw EnrollmentError(code, json?["message"]?.stringValue ?? "上级拒绝了加入请求", status: response.status,
                                      field: json?["field"]?.stringValue, extra: extra)
            }
            throw EnrollmentError("bad_response", "上级 \(parentURL) 返回 HTTP \(response.status)，不是加入接口的应答（地址是否正确？）", status: response.status)
        }
        guard let json else {
            throw EnrollmentError("bad_response", "上级 \(parentURL) 的应答不是有效的 JSON", status: response.status)
        }
        let grant: EnrollmentGrant
        do {
            grant = try EnrollmentGrant.parse(json)
        } catch {
            throw EnrollmentError("bad_response", "上级的应答无效：\(error)", status: response.status)
        }
        guard grant.parent.code != identity.code, NodeCode.isAncestorOrSelf(grant.parent.code, of: identity.code) else {
            throw EnrollmentError("bad_response", "应答来自节点 \(grant.parent.code)，它不是 \(identity.code) 的上级", status: response.status)
        }
        guard grant.registry.contains(where: { $0.code == identity.code && $0.publicKey == identity.publicKey && !$0.isRevoked }) else {
            throw EnrollmentError("bad_response", "上级的登记表中没有本节点 \(identity.code) 的公钥", status: response.status)
        }
        return grant
    }
}
