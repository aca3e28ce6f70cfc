/// ConnectionTable is the server's view of its open connections, as a pure value: which to admit,
/// and which have taken too long to send their request.
///
/// It exists so that slow or numerous clients cannot starve a node (issue 14: 1,100 slow
/// connections from one address took a county off the air). Three rules:
/// - an address holds at most `perAddress` ordinary connections, and all addresses together at
///   most `ordinary`: one host cannot take every slot, nor a few hundred take them all;
/// - a parked long-poll leaves the ordinary counts while parked (every child keeps one open),
///   and long-polls have their own limit, `longPolls`;
/// - a request's headers must be complete within `headerSeconds` of the connection opening (or of
///   the previous request on it completing), and its body within `bodySeconds` of the headers:
///   a client trickling bytes keeps libmicrohttpd's idle timeout from ever firing.
/// Time is injected (seconds on any monotonic clock), so the rules are tested with plain values.
public struct ConnectionTable: Sendable, Equatable {
    public struct Limits: Sendable, Equatable {
        public var perAddress: Int
        public var ordinary: Int
        public var longPolls: Int
        public var headerSeconds: Double
        public var bodySeconds: Double

        public init(perAddress: Int = 64, ordinary: Int = 4000, longPolls: Int = 4000, headerSeconds: Double = 20, bodySeconds: Double = 120) {
            self.perAddress = perAddress
            self.ordinary = ordinary
            self.longPolls = longPolls
            self.headerSeconds = headerSeconds
            self.bodySeconds = bodySeconds
        }

        /// Scales the connection limits down to fit `descriptors` open files (each connection is one).
        public func fitting(descriptors: Int) -> Limits {
            let budget = max(16, descriptors)
            let wanted = ordinary + longPolls
            guard wanted > budget else { return self }
            var fitted = self
            fitted.ordinary = max(8, budget * ordinary / wanted)
            fitted.longPolls = max(8, budget - fitted.ordinary)
            fitted.perAddress = min(perAddress, fitted.ordinary)
            return fitted
        }
    }

    /// Where a connection is in its current request.
    public enum Phase: Sendable, Equatable {
        /// Waiting for (the rest of) a request's headers since this time.
        case awaitingHeaders(since: Double)
        /// Headers in, body arriving since this time.
        case receivingBody(since: Double)
        /// The handler runs or the response is being sent: the server's time, not the client's.
        case answering
        /// A long-poll suspended until something arrives or its wait ends.
        case parked
    }

    public struct Entry: Sendable, Equatable {
        public let address: String
        public let socket: Int32
        public var phase: Phase
        /// Already cut once; not reported again while the server closes it.
        public var cut = false
    }

    /// A connection to cut, and why (for the log).
    public struct Overdue: Sendable, Equatable {
        public let id: UInt
        public let socket: Int32
        public let reason: String
    }

    public let limits: Limits
    public private(set) var entries: [UInt: Entry] = [:]
    public private(set) var ordinaryByAddress: [String: Int] = [:]
    public private(set) var ordinaryCount = 0
    public private(set) var parkedCount = 0

    public init(limits: Limits) { self.limits = limits }

    /// Connections admitted but not yet opened, by address: libmicrohttpd's pool threads accept at
    /// the same time, so an admission counts at once, not only when the connection is opened.
    /// A reservation nothing opened within a second (MHD refused it later) lapses.
    public private(set) var reserved: [String: [Double]] = [:]

    /// Whether a new connection from `address` may be accepted; if so, its slot is reserved.
    public mutating func admit(_ address: String, at now: Double) -> Bool {
        for (key, times) in reserved {
            let live = times.filter { now - $0 < 1 }
            reserved[key] = live.isEmpty ? nil : live
        }
        let pending = reserved.values.reduce(0) { $0 + $1.count }
        guard ordinaryCount + pending < limits.ordinary,
            (ordinaryByAddress[address] ?? 0) + (reserved[address]?.count ?? 0) < limits.perAddress
        else { return false }
        reserved[address, default: []].append(now)
        return true
    }

    /// Whether one more long-poll may be parked (otherwise it is answered at once, empty).
    public var admitsLongPoll: Bool { parkedCount < limits.longPolls }

    public mutating func opened(_ id: UInt, address: String, socket: Int32, at now: Double) {
        if entries[id] != nil { closed(id) }
        if var times = reserved[address], !times.isEmpty {
            times.removeFirst()
            reserved[address] = times.isEmpty ? nil : times
        }
        entries[id] = Entry(address: address, socket: socket, phase: .awaitingHeaders(since: now))
        count(address, +1)
    }

    public mutating func closed(_ id: UInt) {
        guard let entry = entries.removeValue(forKey: id) else { return }
        if entry.phase == .parked { parkedCount -= 1 } else { count(entry.address, -1) }
    }

    public mutating func headersComplete(_ id: UInt, at now: Double) {
        set(id, .receivingBody(since: now))
    }

    public mutating func answering(_ id: UInt) {
        set(id, .answering)
    }

    /// The request completed: the connection waits for the next one (keep-alive).
    public mutating func requestCompleted(_ id: UInt, at now: Double) {
        set(id, .awaitingHeaders(since: now))
    }

    public mutating func parked(_ id: UInt) {
        set(id, .parked)
    }

    public mutating func resumed(_ id: UInt) {
        set(id, .answering)
    }

    /// Connections past their deadline at `now`, each reported once.
    public mutating func overdue(at now: Double) -> [Overdue] {
        var found: [Overdue] = []
        for (id, entry) in entries where !entry.cut {
            let reason: String?
            switch entry.phase {
            case .awaitingHeaders(let since) where now - since > limits.headerSeconds:
                reason = "request headers not complete within \(Int(limits.headerSeconds)) s"
            case .receivingBody(let since) where now - since > limits.bodySeconds:
                reason = "request body not complete within \(Int(limits.bodySeconds)) s"
            default:
                reason = nil
            }
            guard let reason else { continue }
            entries[id]?.cut = true
            found.append(Overdue(id: id, socket: entry.socket, reason: reason))
        }
        return found
    }

    private mutating func set(_ id: UInt, _ phase: Phase) {
        guard let entry = entries[id], entry.phase != phase else { return }
        let wasParked = entry.phase == .parked
        let isParked = phase == .parked
        if wasParked != isParked {
            if isParked {
                count(entry.address, -1)
                parkedCount += 1
            } else {
                parkedCount -= 1
                count(entry.address, +1)
            }
        }
        entries[id]?.phase = phase
    }

    private mutating func count(_ address: String, _ delta: Int) {
        ordinaryCount += delta
        let now = (ordinaryByAddress[address] ?? 0) + delta
        ordinaryByAddress[address] = now > 0 ? now : nil
    }
}
