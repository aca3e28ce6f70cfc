import CMicroHTTPD

/// ServerCore is what libmicrohttpd's callbacks reach through their `cls` pointer.
///
/// It is called from every pool thread at once, so all its fields are immutable and Sendable.
final class ServerCore: Sendable {
    let configuration: HTTPServer.Configuration
    let handler: HTTPServer.Handler
    let lot: ParkingLot
    let connections: ConnectionGuard

    init(configuration: HTTPServer.Configuration, handler: @escaping HTTPServer.Handler, lot: ParkingLot, connections: ConnectionGuard) {
        self.configuration = configuration
        self.handler = handler
        self.lot = lot
        self.connections = connections
    }

    /// The connection callback: a socket accepted or closed (closed comes before its close(2)).
    func notify(_ connection: OpaquePointer, _ code: MHD_ConnectionNotificationCode) {
        switch code {
        case .CONNECTION_NOTIFY_STARTED:
            connections.opened(
                connection, address: SocketAddress.describe(liandong_mhd_client_address(connection)),
                socket: liandong_mhd_connection_fd(connection))
        case .CONNECTION_NOTIFY_CLOSED:
            connections.closed(connection)
        default:
            break
        }
    }

    /// The access handler. libmicrohttpd calls it once when the headers are in, once per
    /// chunk of body, once more when the body is complete, and again after every resume;
    /// everything it must remember between calls lives in the RequestContext in `state`.
    func access(
        _ connection: OpaquePointer?, _ url: UnsafePointer<CChar>?, _ method: UnsafePointer<CChar>?,
        _ data: UnsafePointer<CChar>?, _ size: UnsafeMutablePointer<Int>?,
        _ state: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    ) -> MHD_Result {
        guard let connection, let size, let state else { return .NO }
        guard let existing = state.pointee else {
            let context = RequestContext()
            state.pointee = Unmanaged.passRetained(context).toOpaque()
            lot.requestStarted()
            connections.headersComplete(connection)
            guard let declared = Self.header(connection, "Content-Length").flatMap(Int.init) else { return .YES }
            if declared > discardLimit {
                // Hopelessly large: answer before reading any of it. MHD then closes without
                // reading the body, so a client still sending may see a reset, not the 413.
                context.answered = true
                return send(.bodyTooLarge(limit: configuration.maxBodyBytes), to: connection, context)
            }
            context.body.reserveCapacity(min(max(declared, 0), configuration.maxBodyBytes))
            return .YES
        }
        let context = Unmanaged<RequestContext>.fromOpaque(existing).takeUnretainedValue()
        if size.pointee > 0 {
            let count = size.pointee
            size.pointee = 0
            return receive(data, count, into: context)
        }
        return finish(connection, url, method, context)
    }

    /// Counts body bytes as they arrive and stops keeping them once over the cap (STYLE.md
    /// pitfalls). The rest is read and dropped and the 413 sent once the body ends: a 413
    /// queued early makes MHD close a socket with unread data, which resets the connection
    /// before the client reads the answer (seen with TLS), and libmicrohttpd 0.9.75 refuses a
    /// response queued mid-upload. A sender that goes on past `discardLimit` is cut off.
    private func receive(_ data: UnsafePointer<CChar>?, _ count: Int, into context: RequestContext) -> MHD_Result {
        context.received += count
        guard context.rejection == nil, !context.answered else {
            return context.received > discardLimit ? .NO : .YES
        }
        guard context.received <= configuration.maxBodyBytes else {
            context.rejection = .bodyTooLarge(limit: configuration.maxBodyBytes)
            context.body = []
            return .YES
        }
        guard let data else { return .YES }
        context.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: count))
        return .YES
    }

    /// How many body bytes a refused request may send before the connection is dropped.
    private var discardLimit: Int { 2 * configuration.maxBodyBytes }

    /// The body is complete (or the connection was resumed): answer, run the handler, or park.
    private func finish(
        _ connection: OpaquePointer, _ url: UnsafePointer<CChar>?, _ method: UnsafePointer<CChar>?,
        _ context: RequestContext
    ) -> MHD_Result {
        if context.answered { return .YES }
        connections.answering(connection)
        if let rejection = context.rejection {
            return send(rejection, to: connection, context)
        }
        if let poll = context.parked {
            context.parked = nil
            switch poll.outcome {
            case .respond(let response)?: return send(response, to: connection, context)
            case .rerun?: break
            case nil: return send(.internalError, to: connection, context)
            }
        }
        let request: HTTPServerRequest
        if let known = context.request {
            request = known
        } else {
            switch makeRequest(connection, url, method, context) {
            case .failure(let refusal): return send(refusal.response, to: connection, context)
            case .success(let made): request = made
            }
            context.request = request
            context.body = []
        }
        let result: HTTPServerResult
        do { result = try handler(request) } catch { result = .respond(.internalError) }
        switch result {
        case .respond(let response):
            return send(response, to: connection, context)
        case .suspend(let poll):
            // Over the long-poll limit the poll is answered at once with its fallback (an empty
            // page): the child simply asks again, and ordinary requests keep their slots.
            guard connections.park(connection) else {
                _ = poll.settle(.respond(poll.fallback))
                if case .respond(let response)? = poll.outcome { return send(response, to: connection, context) }
                return send(poll.fallback, to: connection, context)
            }
            park(connection, poll, context)
            return .YES
        }
    }

    /// Suspends the connection under `poll`; resumes it at once if `poll` is already decided
    /// or the server is stopping. Either way the access handler is called again after resume.
    private func park(_ connection: OpaquePointer, _ poll: LongPoll, _ context: RequestContext) {
        context.parked = poll
        lot.willSuspend()
        MHD_suspend_connection(connection)
        if poll.attach(connection: connection, lot: lot) {
            MHD_resume_connection(connection)
            lot.resumed()
        }
    }

    /// The request-completed callback: the response was sent or the connection failed.
    func completed(_ connection: OpaquePointer?, _ state: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) {
        if let connection { connections.requestCompleted(connection) }
        guard let state, let existing = state.pointee else { return }
        state.pointee = nil
        Unmanaged<RequestContext>.fromOpaque(existing).release()
        lot.requestFinished()
    }

    static func header(_ connection: OpaquePointer, _ name: String) -> String? {
        MHD_lookup_connection_value(connection, .HEADER_KIND, name).map { String(cString: $0) }
    }
}

/// RequestContext is one request's state between access-handler calls (MHD's `con_cls`).
///
/// Only the pool thread that owns the connection touches it: libmicrohttpd never moves a
/// connection between pool threads, even across suspend and resume.
final class RequestContext {
    var body: [UInt8] = []
    /// Body bytes received so far, kept or not.
    var received = 0
    /// A response is already queued (an early 413); later calls only let MHD finish.
    var answered = false
    /// A response decided before the handler ran (413); the rest of the body is discarded.
    var rejection: HTTPServerResponse?
    var request: HTTPServerRequest?
    var parked: LongPoll?
}

extension HTTPServerResponse {
    static func bodyTooLarge(limit: Int) -> HTTPServerResponse {
        .json(413, #"{"error":"body_too_large","limit":\#(limit),"message":"请求体超过 \#(limit) 字节的上限"}"#)
    }

    static let internalError = HTTPServerResponse.json(500, #"{"error":"internal","message":"内部错误，已记录"}"#)
}
