/// SessionRule ends a workbench session after `idleMillis` without a request (等保 2.0 8.1.4.1 b:
/// 超时自动退出) and at logout. Pure: the store keeps the times, this decides.
public struct SessionRule: Sendable, Equatable {
    public var idleMillis: Int64

    public init(idleMillis: Int64 = 30 * 60 * 1000) { self.idleMillis = idleMillis }

    /// True while a session last seen at `lastSeen` and not ended is still alive at `now`.
    public func isAlive(lastSeen: Int64, endedAt: Int64?, now: Int64) -> Bool {
        endedAt == nil && now - lastSeen < idleMillis
    }
}
