import Foundation
import LiandongDomain

/// NodeStore is one node's database: its identity and key, the change log, and the state derived
/// from it. Every write goes through `record` (changes made here) or `ingest` (changes from a
/// neighbour), each in one BEGIN IMMEDIATE transaction. Not Sendable: one per thread; a process
/// that shares one among threads (`serve`) lends it through its StoreWriter.
public final class NodeStore {
    public static let databaseName = "liandong.sqlite"

    public let directory: String
    public let db: Database
    public private(set) var identity: NodeIdentity
    let signingKey: Ed25519SigningKey
    var clock: HybridClock
    /// Milliseconds since the epoch; injected so that tests and the demo control time.
    public var now: () -> Int64
    // MARK: Caches
    //
    // Everything below is derived from the log and kept by this connection alone. One rule keeps
    // them true: a cache is valid while the log it was read from has not been rewritten by anyone
    // else. This connection's own appends keep them current as they go (apply extends a case's
    // history, a calendar publication replaces the calendar); anything that rewrites the log
    // (a rollback, a rebase, a clock recovery) and any commit by another connection that moved the
    // log generation (`refreshIfChangedElsewhere`, checked first by every reader of a cache) drop
    // them all at once, in `forgetDerivedState`. In `serve` this is the process's one connection
    // (StoreWriter), so "another connection" is another process: the CLI.

    /// Recently used case histories (state, conflict records, place of the last change), so that a
    /// change that sorts last extends the state without a replay.
    var caseCache: [String: CaseHistory] = [:]
    /// What the current write transaction changed and has not yet written (NodeStore+Apply.swift).
    var pendingWrites = PendingCaseWrites()
    var calendarCache: WorkingCalendar?
    var verifyingKeys: [String: OriginKeys] = [:]
    /// `PRAGMA data_version` when the caches and the clock were last known to match the database.
    var seenDataVersion: Int64?
    /// The log generation (migration 010) the caches were derived at.
    var seenLogGeneration: Int64?
    /// The `clock_generation` setting last seen: another connection that stamped its changes again
    /// after a wrong clock moved the node's HLC back, and this store's clock must follow.
    var seenClockGeneration: String?
    /// Set while recording the change that ends a restore heal: the heal guard must let it through.
    var recordingHealEnd = false

    /// OrderKey is a change's place in the total order `(hlc, origin, seq)`.
    struct OrderKey: Comparable {
        var hlc: HLC
        var origin: String
        var seq: Int64

        init(_ change: Change) {
            self.hlc = change.hlc
            self.origin = change.origin
            self.seq = change.seq
        }

        init(hlc: HLC, origin: String, seq: Int64) {
            self.hlc = hlc
            self.origin = origin
            self.seq = seq
        }

        static func < (a: OrderKey, b: OrderKey) -> Bool {
            if a.hlc != b.hlc { return a.hlc < b.hlc }
            if a.origin != b.origin { return a.origin.utf8.lexicographicallyPrecedes(b.origin.utf8) }
            return a.seq < b.seq
        }
    }

    /// The current time in milliseconds, or LIANDONG_NOW (ISO 8601 or epoch ms) for tests and demos.
    public static func systemNow() -> Int64 {
        fixedNow ?? Int64(Date().timeIntervalSince1970 * 1000)
    }

    /// `LIANDONG_NOW`, read once: the environment is copied on every read, and the clock is read
    /// for every change stored.
    private static let fixedNow: Int64? = {
        guard let fixed = ProcessInfo.processInfo.environment["LIANDONG_NOW"], !fixed.isEmpty else { return nil }
        if let ms = Int64(fixed) { return ms }
        return ISO8601DateFormatter().date(from: fixed).map { Int64($0.timeIntervalSince1970 * 1000) }
    }()

    private init(directory: String, db: Database, identity: NodeIdentity, key: Ed25519SigningKey, clock: HybridClock, now: @escaping () -> Int64) {
        self.directory = directory
        self.db = db
        self.identity = identity
        self.signingKey = key
        self.clock = clock
        self.now = now
    }

    /// Creates a node: its directory, database, key pair (private key readable by its owner only).
    public static func initialize(
        directory: String, role: Role, code: String, name: String, parentURL: String? = nil, listen: String? = nil,
        now: @escaping () -> Int64 = NodeStore.systemNow
    ) throws -> NodeStore {
        guard NodeCode.role(of: code) == role else {
            throw StoreError("invalid_code", "节点代码 \(code) 与角色 \(role.rawValue) 不符：县 6 位、乡镇 9 位、村 12 位区划代码")
        }
        do {
            _ = try DivisionCode(validating: code)
        } catch {
            throw StoreError("invalid_code", "节点代码 \(code) 无效：\(error)")
        }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw StoreError("invalid_name", "节点名称不能为空") }
        let manager = FileManager.default
        let dbPath = directory + "/" + databaseName
        if manager.fileExists(atPath: dbPath) || manager.fileExists(atPath: directory + "/" + KeyFile.name) {
            throw StoreError.alreadyInitialized(directory)
        }
        // Whatever fails from here on (the key, a migration, the first change) removes what was
        // made, so that a second attempt does not find a directory stuck half-initialized.
        let created = NodeDirectory(path: directory)
        do {
            return try create(directory: directory, role: role, code: code, name: name, parentURL: parentURL, listen: listen, now: now)
        } catch {
            created.remove()
            throw error
        }
    }

    /// The steps of `initialize`; everything it opens is released when it throws.
    private static func create(
        directory: String, role: Role, code: String, name: String, parentURL: String?, listen: String?, now: @escaping () -> Int64
    ) throws -> NodeStore {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = try Ed25519SigningKey()
        try KeyFile.write(key, to: directory)
        let db = try Database(path: directory + "/" + databaseName)
        try migrate(db)
        let identity = NodeIdentity(code: code, role: role, name: name, publicKey: key.publicKey, parentURL: parentURL, listen: listen)
        try db.write { db in
            try db.run(
                "INSERT INTO node (id, code, role, name, public_key, parent_url, listen, created_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
                .text(code), .text(role.rawValue), .text(name), .blob(key.publicKey),
                parentURL.map { .text($0) } ?? .null, listen.map { .text($0) } ?? .null, .integer(now()))
            // A new node has no log to re-derive conflicts from (migration 006_conflicts asks for it).
            try db.run("DELETE FROM settings WHERE key = 'rebuild_conflicts'")
        }
        return NodeStore(directory: directory, db: db, identity: identity, key: key, clock: HybridClock(), now: now)
    }

    /// Opens an initialized node, applying any migrations a newer binary brings.
    public static func open(directory: String, now: @escaping () -> Int64 = NodeStore.systemNow) throws -> NodeStore {
        let dbPath = directory + "/" + databaseName
        guard FileManager.default.fileExists(atPath: dbPath) else { throw StoreError.notInitialized(directory) }
        let db = try Database(path: dbPath)
        try migrate(db)
        let store = try load(directory: directory, db: db, now: now)
        try store.rebuildConflictsIfAsked()
        try store.rebuildFiguresIfAsked()
        return store
    }

    /// Opens a read-only connection to a node its writer has opened (and so migrated): a reader
    /// of StoreWriter. Nothing is migrated or rebuilt; a write through it fails.
    public static func openReader(directory: String, now: @escaping () -> Int64) throws -> NodeStore {
        try load(directory: directory, db: try Database(path: directory + "/" + databaseName, readOnly: true), now: now)
    }

    /// The node's identity, key and clock as `db` holds them.
    private static func load(directory: String, db: Database, now: @escaping () -> Int64) throws -> NodeStore {
        guard let row = try db.query("SELECT code, role, name, public_key, parent_url, listen, hlc FROM node WHERE id = 1").first,
            let code = row.text("code"), let role = row.text("role").flatMap(Role.init(rawValue:)), let name = row.text("name"),
            let publicKey = row.blob("public_key")
        else {
            throw StoreError.notInitialized(directory)
        }
        let key = try KeyFile.read(from: directory)
        guard key.publicKey == publicKey else {
            throw StoreError("key_mismatch", "节点私钥 \(directory)/\(KeyFile.name) 与数据库中的公钥不一致")
        }
        let identity = NodeIdentity(
            code: code, role: role, name: name, publicKey: publicKey, parentURL: row.text("parent_url"), listen: row.text("listen"))
        let clock = HybridClock(last: HLC(rawValue: row.int64("hlc") ?? 0))
        return NodeStore(directory: directory, db: db, identity: identity, key: key, clock: clock, now: now)
    }

    /// Drops the cached case states and calendar, and catches the clock up with the node's stored
    /// HLC, when another connection has committed since this store last looked: the CLI writes
    /// while `serve` holds the node open (DESIGN §9). SQLite changes `PRAGMA data_version` exactly
    /// when another connection commits, so the check is one cheap read.
    func refreshIfChangedElsewhere() throws {
        let version = try db.scalarInt("PRAGMA data_version")
        guard version != seenDataVersion else { return }
        // Another connection committed. Derived caches go only when it changed the log: the sync
        // lanes commit heads and cursors every few seconds, and a server would replay every case.
        let generation = try logGeneration()
        if generation != seenLogGeneration {
            forgetDerivedState()
            seenLogGeneration = generation
        }
        // Keys come from the registry as well as the log (a `trust` writes no change).
        verifyingKeys.removeAll()
        let clockGeneration = try db.query("SELECT value FROM settings WHERE key = 'clock_generation'").first?.text("value")
        if let stored = try db.scalarInt("SELECT hlc FROM node WHERE id = 1"),
            stored > clock.last.rawValue || clockGeneration != seenClockGeneration {
            clock = HybridClock(last: HLC(rawValue: stored), maxSkewMillis: clock.maxSkewMillis)
        }
        seenClockGeneration = clockGeneration
        seenDataVersion = version
    }

    /// Drops every cache derived from the log (the rule is at the caches' declaration). Inside a
    /// transaction this only costs re-reads: what is pending to be written stays.
    func forgetDerivedState() {
        caseCache.removeAll()
        calendarCache = nil
        verifyingKeys.removeAll()
        pendingWrites.writtenRevision.removeAll()
        pendingWrites.publications.removeAll()
    }

    /// How many inserts into and deletes from the log every connection has made (migration 010).
    func logGeneration() throws -> Int64? {
        try db.scalarInt("SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'log_generation'")
    }

    /// Today in China Standard Time, by the injected clock.
    public var today: LocalDate { LocalDate(epochMillis: now()) }
}
