import Foundation
import LiandongDomain
import LiandongStore
import LiandongSync

/// Router maps a request to its handler: `/sync/v1/*` (the protocol), `/healthz`, `/metrics`,
/// `/public/v1/cases/{number}` (the public status query), `/api/v1/*` (local staff tools) and,
/// for every other path, the workbench (Workbench/).
///
/// Extra sync endpoints (ENROLL's `enroll`) are plugged in through `syncHandlers`: the table
/// key is the last path segment under /sync/v1/. They are answered before the signed endpoints
/// and without a node signature (the enrollment token authenticates).
public struct Router: Sendable {
    public let service: SyncService
    public var syncHandlers: [String: HTTPServer.Handler]
    /// Whether /api/v1 answers requests that do not come from this machine.
    public var apiFromAnywhere: Bool
    /// The staff web UI, answering every other path (`/`, `/login`, `/public`, …).
    public var workbench: Workbench?

    public init(service: SyncService, syncHandlers: [String: HTTPServer.Handler] = [:], apiFromAnywhere: Bool = false) {
        self.service = service
        self.syncHandlers = syncHandlers
        self.apiFromAnywhere = apiFromAnywhere
    }

    public func handle(_ request: HTTPServerRequest) -> HTTPServerResult {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        do {
            switch segments.first {
            case "sync" where (segments.count == 4 || segments.count == 5) && segments[1] == "v1" && segments[2] == "blobs":
                return service.handleBlob(request, sha256: segments[3], offset: segments.count == 5 ? segments[4] : nil)
            case "sync" where segments.count == 3 && segments[1] == "v1":
                if let extra = syncHandlers[segments[2]] {
                    let result = try extra(request)
                    if case .respond(let response) = result { service.statusCounts.add(response.status) }
                    return result
                }
                guard SyncService.endpoints.contains(segments[2]) else { throw SyncError.notFound(request.path) }
                return service.handle(request, endpoint: segments[2])
            case "healthz" where segments.count == 1:
                try requireGet(request)
                return respond(200, ["status": "ok", "node": .string(service.writer.code), "role": .string(service.writer.role)])
            case "metrics" where segments.count == 1:
                try requireGet(request)
                let text = try Metrics.render(service: service)
                service.statusCounts.add(200)
                return .respond(HTTPServerResponse(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4"], body: Array(text.utf8)))
            case "public" where segments.count == 4 && segments[1] == "v1" && segments[2] == "cases":
                try requireGet(request)
                return respond(200, try LocalAPI.publicCase(segments[3], code: request.query["code"], writer: service.writer))
            case "api" where segments.count >= 2 && segments[1] == "v1":
                guard apiFromAnywhere || Router.isLoopback(request.remoteAddress) else {
                    throw SyncError("not_found", "本地接口只对本机开放")
                }
                try requireGet(request)
                return respond(200, try LocalAPI.answer(Array(segments.dropFirst(2)), request: request, service: service))
            default:
                if let workbench { return workbench.handle(request) }
                throw SyncError.notFound(request.path)
            }
        } catch let error as SyncError {
            service.statusCounts.add(error.status)
            return .respond(error.response)
        } catch let error as CaseError {
            if case .caseNotFound = error { return respond(404, SyncError("not_found", error.message).json) }
            return respond(400, ["error": .string(error.code), "message": .string(error.message)])
        } catch {
            service.log("http \(request.method) \(request.path): internal error: \(error)")
            return respond(500, SyncError("internal", "内部错误，已记录").json)
        }
    }

    func requireGet(_ request: HTTPServerRequest) throws {
        guard request.method == "GET" || request.method == "HEAD" else { throw SyncError.methodNotAllowed(request.method, allowed: "GET") }
    }

    func respond(_ status: Int, _ json: JSONValue) -> HTTPServerResult {
        service.statusCounts.add(status)
        return .respond(.json(status, json.canonicalString))
    }

    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address == "::ffff:127.0.0.1"
    }
}
