import Foundation
import LiandongDomain
import LiandongStore
import LiandongSync

/// DefaultRatings applies the county's default rating (好差评) to the unrated cases this node
/// delivered, every `interval` seconds, through the server's one writer (`StoreWriter`). What it
/// records is a change like any other: it travels up with the sync, and a case rated once is never
/// due again, so running it often, or after a restart, rates nothing twice.
///
/// `@unchecked Sendable`: `stopping` and `finished` are guarded by `condition`.
final class DefaultRatings: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopping = false
    private var finished = true

    func start(writer: StoreWriter, interval: Double, log: @escaping @Sendable (String) -> Void) {
        guard interval > 0 else { return }
        condition.withLock { finished = false }
        Thread.detachNewThread { [self] in
            defer { condition.withLock { finished = true; condition.broadcast() } }
            // A refusal is usually brief (the clock not yet confirmed by the parent after a restart, a
            // restore heal): try again after 5 s, doubling up to the interval, so a due rating is not
            // a whole interval late and a lasting refusal is not logged every few seconds.
            var wait = interval
            while true {
                do {
                    let rated = try writer.with { try $0.applyDefaultRatings() }
                    if !rated.isEmpty { log("default rating applied to \(rated.count) case(s): \(rated.joined(separator: ", "))") }
                    wait = interval
                } catch {
                    log("default ratings: \(error)")
                    wait = wait >= interval ? min(5, interval) : min(interval, wait * 2)
                }
                let pause = wait
                let stop = condition.withLock { () -> Bool in
                    if !stopping { _ = condition.wait(until: Date().addingTimeInterval(pause)) }
                    return stopping
                }
                if stop { return }
            }
        }
    }

    func stop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
            while !finished { _ = condition.wait(until: Date().addingTimeInterval(1)) }
        }
    }
}
