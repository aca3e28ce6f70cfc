import LiandongDomain
import LiandongStore

/// CostSplit times each cryptographic step of a change on its own, over changes taken from the log,
/// to show where the real path's time goes beside SQLite and the reducer.
struct CostSplit {
    var sample = 0
    var averageBodyBytes = 0
    var encodeMicros = 0.0
    var hashMicros = 0.0
    var signMicros = 0.0
    var verifyMicros = 0.0

    static func measure(_ changes: [Change]) throws -> CostSplit {
        var split = CostSplit()
        split.sample = changes.count
        guard !changes.isEmpty else { return split }
        let clock = ContinuousClock()
        let count = Double(changes.count)
        var bodies: [[UInt8]] = []
        bodies.reserveCapacity(changes.count)
        split.encodeMicros = clock.measure { for change in changes { bodies.append(change.signingBody) } }.seconds * 1e6 / count
        split.averageBodyBytes = bodies.reduce(0) { $0 + $1.count } / bodies.count
        var hashes: [[UInt8]] = []
        hashes.reserveCapacity(bodies.count)
        split.hashMicros = clock.measure { for body in bodies { hashes.append(SHA256.hash(body)) } }.seconds * 1e6 / count
        let key = try Ed25519SigningKey()
        var signatures: [[UInt8]] = []
        signatures.reserveCapacity(hashes.count)
        split.signMicros = try clock.measure { for hash in hashes { signatures.append(try key.sign(hash)) } }.seconds * 1e6 / count
        let publicKey = try Ed25519PublicKey(key.publicKey)
        var valid = 0
        split.verifyMicros = clock.measure {
            for (hash, signature) in zip(hashes, signatures) where publicKey.isValidSignature(signature, for: hash) { valid += 1 }
        }.seconds * 1e6 / count
        guard valid == changes.count else { throw BenchError("only \(valid) of \(changes.count) signatures verified") }
        return split
    }
}
