import Foundation

/// FaultProxy is a TCP proxy on loopback between a child and its parent that breaks the link the
/// way a village's line does: connections cut after a random number of bytes, stalls in the middle
/// of a transfer, and outages that refuse new connections AND cut the live ones (libcurl keeps
/// connections alive, so refusing only new ones barely hurts). Its choices come from a seeded
/// generator, so a run names its seed.
///
/// `@unchecked Sendable`: every mutable field is guarded by `lock`; each connection's two pumps
/// only share its byte count, also under `lock`.
final class FaultProxy: @unchecked Sendable {
    /// What goes wrong on each new connection.
    struct Faults: Sendable {
        /// Chance that a connection is cut, after a uniform number of bytes in 0…maxBytesBeforeCut.
        var cutProbability = 0.0
        var maxBytesBeforeCut = 48 * 1024
        /// Chance that a connection stalls once, for a uniform time in `stallSeconds`.
        var stallProbability = 0.0
        var stallSeconds: ClosedRange<Double> = 0.5...3

        static let none = Faults()
    }

    private(set) var port = 0
    let upstreamPort: Int
    private let lock = NSLock()
    private var random: SeededGenerator
    private var faults = Faults.none
    private var down = false
    private var stopping = false
    private var live: [Int32: Int32] = [:]
    private var listener: Int32 = -1
    private(set) var stats = (connections: 0, cuts: 0, stalls: 0, refused: 0)

    init(upstreamPort: Int, seed: UInt64) throws {
        self.upstreamPort = upstreamPort
        random = SeededGenerator(seed: seed)
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 128) == 0 else { throw E2EFailure("fault proxy cannot listen: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit { stop() }

    var url: String { "http://127.0.0.1:\(port)" }

    func set(_ faults: Faults) {
        lock.withLock {
            self.faults = faults
            version += 1
        }
    }

    /// An outage: new connections are refused and every live one is cut. `false` ends it.
    func outage(_ on: Bool) {
        let cut = lock.withLock { () -> [(Int32, Int32)] in
            down = on
            return on ? live.map { ($0.key, $0.value) } : []
        }
        for (a, b) in cut { Self.cut(a, b) }
    }

    func stop() {
        let cut = lock.withLock { () -> [(Int32, Int32)] in
            guard !stopping else { return [] }
            stopping = true
            return live.map { ($0.key, $0.value) }
        }
        if listener >= 0 { shutdown(listener, Int32(SHUT_RDWR)) }
        for (a, b) in cut { Self.cut(a, b) }
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if lock.withLock({ stopping }) { return }
                continue
            }
            let refuse = lock.withLock { () -> Bool in
                stats.connections += 1
                if down || stopping { stats.refused += 1 }
                return down || stopping
            }
            if refuse {
                close(client)
                continue
            }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: upstreamPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                close(upstream)
                close(client)
                continue
            }
            lock.withLock { live[client] = upstream }
            let connection = Connection(client: client, upstream: upstream)
            Thread.detachNewThread { [self] in pump(connection, from: client, to: upstream) }
            Thread.detachNewThread { [self] in pump(connection, from: upstream, to: client) }
        }
    }

    /// What happens to a connection within its next `maxBytesBeforeCut` bytes; drawn afresh each
    /// time that many bytes have passed, and when the faults change, so that a long-lived
    /// keep-alive connection meets the faults as often as new ones do.
    private struct Plan {
        var version = -1
        var until = 0
        var cutAfter: Int?
        var stallAfter: Int?
        var stallSeconds = 0.0
    }

    private var version = 0

    /// Draws the plan for the bytes from `moved` on (call under `lock`).
    private func draw(from moved: Int) -> Plan {
        var plan = Plan(version: version, until: moved + max(1, faults.maxBytesBeforeCut))
        if Double.random(in: 0..<1, using: &random) < faults.cutProbability {
            plan.cutAfter = moved + Int.random(in: 0...faults.maxBytesBeforeCut, using: &random)
        }
        if Double.random(in: 0..<1, using: &random) < faults.stallProbability {
            plan.stallAfter = moved + Int.random(in: 0...faults.maxBytesBeforeCut, using: &random)
            plan.stallSeconds = Double.random(in: faults.stallSeconds, using: &random)
        }
        return plan
    }

    /// One proxied connection: the bytes moved both ways so far, and whether it is closed.
    private final class Connection: @unchecked Sendable {
        let client: Int32
        let upstream: Int32
        var plan = Plan()
        var moved = 0
        var pumps = 2

        init(client: Int32, upstream: Int32) {
            self.client = client
            self.upstream = upstream
        }
    }

    private func pump(_ connection: Connection, from source: Int32, to target: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            // Decide under the lock what this chunk meets: a stall, a cut, or nothing.
            let (stall, allowed) = lock.withLock { () -> (Double, Int) in
                if connection.plan.version != version || connection.moved >= connection.plan.until {
                    connection.plan = draw(from: connection.moved)
                }
                var stall = 0.0
                if let at = connection.plan.stallAfter, connection.moved + count >= at {
                    connection.plan.stallAfter = nil
                    stall = connection.plan.stallSeconds
                    stats.stalls += 1
                }
                var allowed = count
                if let at = connection.plan.cutAfter, connection.moved + count >= at {
                    allowed = max(0, at - connection.moved)
                }
                connection.moved += allowed
                return (stall, allowed)
            }
            if stall > 0 { Thread.sleep(forTimeInterval: stall) }
            var offset = 0
            while offset < allowed {
                let sent = buffer[offset..<allowed].withUnsafeBytes { send(target, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent <= 0 { break }
                offset += sent
            }
            if allowed < count || offset < allowed {
                if allowed < count { lock.withLock { stats.cuts += 1 } }
                break
            }
        }
        Self.cut(connection.client, connection.upstream)
        let last = lock.withLock { () -> Bool in
            connection.pumps -= 1
            if connection.pumps == 0 { live.removeValue(forKey: connection.client) }
            return connection.pumps == 0
        }
        if last {
            close(connection.client)
            close(connection.upstream)
        }
    }

    /// Both directions shut: each pump's recv returns and the peers see the connection end.
    private static func cut(_ a: Int32, _ b: Int32) {
        shutdown(a, Int32(SHUT_RDWR))
        shutdown(b, Int32(SHUT_RDWR))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

/// SeededGenerator is SplitMix64: a trial's choices replay exactly from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
