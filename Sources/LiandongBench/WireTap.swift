import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// WireTap is a TCP relay on 127.0.0.1 in front of a node's HTTP server: the child talks to the
/// tap, the tap to the server, and the tap counts the bytes that really crossed the socket from
/// the child, split into request heads and bodies by endpoint (HTTP/1.1 with Content-Length, as
/// libcurl sends a POSTFIELDS body). It measures the wire without touching the sync code.
///
/// `@unchecked Sendable`: the counts and the open sockets are guarded by `lock`.
final class WireTap: @unchecked Sendable {
    /// What the child sent through the tap so far.
    struct Counts {
        var requests = 0
        var headBytes = 0
        /// Request bodies as sent (gzip'd when the client compressed them), by last path component.
        var bodyBytes: [String: Int] = [:]
        var requestsByEndpoint: [String: Int] = [:]
        var bytesUp = 0
        var bytesDown = 0
        var unparsed = 0

        func body(_ endpoint: String) -> Int { bodyBytes[endpoint] ?? 0 }
        func count(_ endpoint: String) -> Int { requestsByEndpoint[endpoint] ?? 0 }
    }

    let port: Int
    private let upstreamPort: Int
    private let listener: Int32
    private let lock = NSLock()
    private var counts = Counts()
    private var open: Set<Int32> = []
    private var stopping = false

    var url: String { "http://127.0.0.1:\(port)" }

    /// Listens on an ephemeral loopback port and relays every connection to `upstreamPort`.
    init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("wire tap: socket failed (errno \(errno))") }
        var address = WireTap.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw BenchError("wire tap: cannot listen on 127.0.0.1 (errno \(errno))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit { stop() }

    var snapshot: Counts { lock.withLock { counts } }

    /// Closes the listener and every relayed connection. Idempotent.
    func stop() {
        let sockets: [Int32] = lock.withLock {
            guard !stopping else { return [] }
            stopping = true
            return Array(open)
        }
        shutdown(listener, Int32(SHUT_RDWR))
        for fd in sockets { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = WireTap.loopback(port: UInt16(upstreamPort))
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(upstream, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let admitted = lock.withLock { () -> Bool in
                guard !stopping, connected == 0 else { return false }
                open.formUnion([client, upstream])
                return true
            }
            guard admitted else {
                close(client)
                close(upstream)
                continue
            }
            let pair = Relay(tap: self, client: client, upstream: upstream)
            Thread.detachNewThread { pair.run(upward: true) }
            Thread.detachNewThread { pair.run(upward: false) }
        }
    }

    fileprivate func record(_ body: (inout Counts) -> Void) { lock.withLock { body(&counts) } }

    fileprivate func closed(_ fds: [Int32]) {
        lock.withLock { open.subtract(fds) }
        for fd in fds { close(fd) }
    }
}

/// Relay copies one connection both ways; the upward copy feeds a RequestMeter.
///
/// `@unchecked Sendable`: each direction's thread touches only its own fields; `finished` is guarded by `lock`.
private final class Relay: @unchecked Sendable {
    let tap: WireTap
    let client: Int32
    let upstream: Int32
    private let lock = NSLock()
    private var finished = 0

    init(tap: WireTap, client: Int32, upstream: Int32) {
        self.tap = tap
        self.client = client
        self.upstream = upstream
    }

    func run(upward: Bool) {
        let from = upward ? client : upstream
        let to = upward ? upstream : client
        var meter = RequestMeter()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        copying: while true {
            let count = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            var sent = 0
            while sent < count {
                let n = buffer.withUnsafeBytes { send(to, $0.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL)) }
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { break copying }
                sent += n
            }
            tap.record { counts in
                if upward {
                    counts.bytesUp += count
                    meter.feed(buffer[0..<count], into: &counts)
                } else {
                    counts.bytesDown += count
                }
            }
        }
        shutdown(to, Int32(SHUT_WR))
        let last = lock.withLock { () -> Bool in
            finished += 1
            return finished == 2
        }
        if last { tap.closed([client, upstream]) }
    }
}

/// RequestMeter splits a client's byte stream into HTTP/1.1 requests: the head up to the blank
/// line, then Content-Length bytes of body.
struct RequestMeter {
    private var head: [UInt8] = []
    private var remaining = 0
    private var endpoint = ""

    mutating func feed(_ bytes: ArraySlice<UInt8>, into counts: inout WireTap.Counts) {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if remaining > 0 {
                let n = min(remaining, bytes.endIndex - index)
                counts.bodyBytes[endpoint, default: 0] += n
                remaining -= n
                index += n
                continue
            }
            head.append(bytes[index])
            index += 1
            if head.count >= 4, head[head.count - 4] == 13, head[head.count - 3] == 10, head[head.count - 2] == 13, head[head.count - 1] == 10 {
                parseHead(into: &counts)
                head.removeAll(keepingCapacity: true)
            }
        }
    }

    private mutating func parseHead(into counts: inout WireTap.Counts) {
        let lines = String(decoding: head, as: UTF8.self).split(separator: "\r\n")
        counts.requests += 1
        counts.headBytes += head.count
        let target = lines.first?.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        endpoint = target.split(separator: "?").first?.split(separator: "/").last.map(String.init) ?? ""
        counts.requestsByEndpoint[endpoint, default: 0] += 1
        remaining = 0
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = parts[0].lowercased()
            if name == "content-length" { remaining = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0 }
            if name == "transfer-encoding" { counts.unparsed += 1 }
        }
    }
}
