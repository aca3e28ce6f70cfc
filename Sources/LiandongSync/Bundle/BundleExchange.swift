import Foundation
import LiandongDomain
import LiandongStore

/// BundleImportOutcome is what importing a bundle did.
public struct BundleImportOutcome: Sendable {
    public var from = ""
    public var direction = BundleHeader.Direction.up
    public var received = 0
    public var stored = 0
    public var duplicates = 0
    public var quarantined: [SyncReport] = []
    public var filesInstalled = 0
    public var filesAlreadyHeld = 0
    /// Files not installed, with the reason (the case that names them is not held here).
    public var filesSkipped: [(sha256: String, reason: String)] = []

    public var json: JSONValue {
        ["from": .string(from), "direction": .string(direction.rawValue), "received": .int(Int64(received)), "stored": .int(Int64(stored)),
         "duplicates": .int(Int64(duplicates)), "quarantined": .array(quarantined.map(\.json)),
         "filesInstalled": .int(Int64(filesInstalled)), "filesAlreadyHeld": .int(Int64(filesAlreadyHeld)),
         "filesSkipped": .array(filesSkipped.map { ["sha256": .string($0.sha256), "reason": .string($0.reason)] })]
    }
}

/// BundleExchange is the exchange with a neighbour carried on a USB stick (issue 12 item 5,
/// Protocol/bundle.md). Going up, a child writes what its parent lacks by the heads it last
/// learned (ExchangeRules, as a push would send), and the parent applies it exactly as a push
/// (PushIngest). Going down, a parent writes what its pull would route to that child after the
/// position the child last acknowledged, and the child applies it as a pull. Both record what
/// they learned, so the next bundle, or the HTTP lanes, send nothing twice.
public enum BundleExchange {
    /// The parent a child's bundle goes to: the one it last exchanged with, else the one its code names.
    static func parent(of store: NodeStore) throws -> String {
        if let code = try store.parentLink().code, !code.isEmpty { return code }
        guard let code = NodeCode.parent(of: store.identity.code) else {
            throw SyncError("no_parent", "本节点是县级节点，没有上级；向下级导出请用 --for 下级编码")
        }
        return code
    }

    // MARK: Export

    /// A child's bundle for its parent: its subtree's changes the parent lacks and the files of
    /// shared cases not yet known to be held there.
    public static func exportUp(_ store: NodeStore, to path: String) throws -> (header: BundleHeader, bytes: Int64) {
        let own = store.identity.code
        let parent = try parent(of: store)
        let parentHeads = Heads(try store.peerHeads(parent))
        var pending: [EncodedChange] = []
        let lacking = ExchangeRules.lacking(local: try store.heads().mapValues(\.seq), parent: parentHeads) {
            ExchangeRules.sendsUp(origin: $0, node: own, parent: parent, parentLacksOwnChain: false)
        }
        for (origin, after) in lacking {
            pending += try store.encodedChanges(of: origin, after: after, limit: Int(Int32.max))
        }
        pending.sort(by: EncodedChange.precedes)
        let blobs = store.blobs
        let files = try store.blobLaneWork(parent: parent, afterBackOff: false).filter { blobs.has($0.sha256) }
        let link = try store.parentLink()
        var header = BundleHeader(from: own, to: parent, direction: .up, createdAt: store.now(), heads: Heads(try store.heads()),
                                  changes: try pending.map { try JSONParser.parse($0.wire) },
                                  files: unique(files.map { BundleHeader.File(sha256: $0.sha256, size: $0.size) }))
        header.cursor = link.cursor
        header.cursorEpoch = link.epoch
        return (header, try BundleFile.write(header, blobs: blobs, to: path, sign: store.signRequest))
    }

    /// A parent's bundle for one direct child: what a pull would route to it after the position it
    /// last acknowledged, the files of those cases held whole here (not those its own subtree
    /// attached), the quarantine reports for its subtree, and the files held whole here.
    public static func exportDown(_ store: NodeStore, for child: String, to path: String) throws -> (header: BundleHeader, bytes: Int64) {
        let own = store.identity.code
        guard NodeCode.parent(of: child) == own else {
            throw SyncError("not_a_child", "\(child) 不是本节点 \(own) 的直属下级，不能为其导出数据包")
        }
        guard let registered = try store.registeredNode(child) else { throw SyncError("unknown_node", "节点 \(child) 未在本节点登记") }
        guard !registered.revoked else { throw SyncError("revoked_node", "节点 \(child) 已被撤销") }
        let acked = try store.childLinks().first { $0.code == child }?.ackedPosition ?? 0
        var changes: [EncodedChange] = []
        var next = acked
        while true {
            let batch = try store.changesRouted(to: child, after: next, limit: SyncProtocol.maxBatch, maxBytes: 4 << 20)
            changes += batch.changes
            next = batch.next
            if !batch.more { break }
        }
        let numbers = Set(try changes.map { try $0.decoded().entity })
        let blobs = store.blobs
        let shared = try store.blobReferences().filter { BlobRoute.mayDownload(parties: $0.parties, child: child) && blobs.has($0.sha256) }
        let files = shared.filter { numbers.contains($0.number) && !NodeCode.isAncestorOrSelf(child, of: $0.by) }
        var header = BundleHeader(from: own, to: child, direction: .down, createdAt: store.now(), heads: Heads(try store.heads()),
                                  changes: try changes.map { try JSONParser.parse($0.wire) },
                                  files: unique(files.map { BundleHeader.File(sha256: $0.sha256, size: $0.size) }))
        header.epoch = try store.epoch()
        header.after = acked
        header.next = next
        header.quarantined = try store.quarantineReports(forSubtreeOf: child)
        header.held = unique(shared.map(\.sha256))
        return (header, try BundleFile.write(header, blobs: blobs, to: path, sign: store.signRequest))
    }

    static func unique<T: Equatable>(_ items: [T]) -> [T] {
        var seen: [T] = []
        for item in items where !seen.contains(item) { seen.append(item) }
        return seen
    }

    // MARK: Import

    /// Checks a bundle whole (signature by its writer's registered key, every file's hash, that
    /// it is meant for this node and comes from its parent or a direct child), then applies it.
    /// Importing the same bundle again changes nothing.
    public static func importBundle(_ store: NodeStore, from path: String, log: (String) -> Void = { _ in }) throws -> BundleImportOutcome {
        let opened = try BundleFile.open(path) { writer in
            guard let registered = try store.registeredNode(writer) else {
                throw SyncError("unknown_node", "写包节点 \(writer) 未在本节点登记，无法核对签名，整包拒收")
            }
            guard !registered.revoked else { throw SyncError("revoked_node", "写包节点 \(writer) 已被撤销，整包拒收") }
            return registered.publicKey
        }
        let header = opened.header
        let own = store.identity.code
        guard header.to == own else {
            throw SyncError("bundle_wrong_receiver", "该数据包是写给节点 \(header.to) 的，本节点是 \(own)，整包拒收，未导入任何内容")
        }
        var outcome = BundleImportOutcome()
        outcome.from = header.from
        outcome.direction = header.direction
        outcome.received = header.changes.count
        switch header.direction {
        case .up:
            guard NodeCode.parent(of: header.from) == own else {
                throw SyncError("not_a_child", "写包节点 \(header.from) 不是本节点 \(own) 的直属下级，整包拒收，未导入任何内容")
            }
            // Exactly as pushes of at most one batch each: the same decoding, checks and quarantine.
            var start = 0
            while start < header.changes.count {
                let items = Array(header.changes[start..<min(start + SyncProtocol.maxBatch, header.changes.count)])
                let (_, answer) = try PushIngest(items).apply(to: store, from: header.from, log: log)
                outcome.stored += Int(answer.stored)
                outcome.duplicates += Int(answer.duplicates)
                outcome.quarantined += answer.quarantined
                start += SyncProtocol.maxBatch
            }
            try installFiles(opened, into: store, &outcome)
            // The child's pull cursor: what it already holds of this node's routes.
            let acked = try store.childLinks().first { $0.code == header.from }?.ackedPosition ?? 0
            let moved = ExchangeRules.acknowledgedByBundle(acked: acked, epoch: try store.epoch(), childCursor: header.cursor, childEpoch: header.cursorEpoch)
            if moved != acked { try store.acknowledge(child: header.from, position: moved) }
        case .down:
            let parent = try parent(of: store)
            guard header.from == parent else {
                throw SyncError("bundle_not_from_parent", "写包节点 \(header.from) 不是本节点的上级 \(parent)，整包拒收，未导入任何内容")
            }
            var changes: [Change] = []
            for item in header.changes {
                do { changes.append(try Change(wire: item)) } catch {
                    throw SyncError("invalid_message", "数据包中的变更无法解析：\(error)，整包拒收")
                }
            }
            var start = 0
            while start < changes.count {
                let result = try store.ingest(Array(changes[start..<min(start + SyncProtocol.maxBatch, changes.count)]), from: parent)
                outcome.stored += result.stored.count
                outcome.duplicates += result.duplicates
                outcome.quarantined += result.quarantined.map { SyncReport($0, hash: []) }
                start += SyncProtocol.maxBatch
            }
            let link = try store.parentLink()
            let cursor = ExchangeRules.cursorAfterBundle(cursor: link.cursor, knownEpoch: link.epoch, epoch: header.epoch, after: header.after, next: header.next)
            if link.code == nil || link.code == "" { try store.recordParentContact(code: parent, epoch: header.epoch) }
            if cursor != link.cursor { try store.setParentCursor(cursor) }
            try store.setPeerHeads(header.heads.tuples, peer: parent)
            try store.replaceReports(header.quarantined)
            try installFiles(opened, into: store, &outcome)
            let blobs = store.blobs
            for sha in header.held where blobs.has(sha) { try store.noteBlobExchanged(sha, parent: parent) }
        }
        return outcome
    }

    /// Installs the bundle's files that a case held here names, with the size it declared, each
    /// streamed in chunks and installed only once whole and hashing to its name.
    static func installFiles(_ opened: BundleFile.Opened, into store: NodeStore, _ outcome: inout BundleImportOutcome) throws {
        let blobs = store.blobs
        for (index, file) in opened.header.files.enumerated() {
            if blobs.has(file.sha256) {
                outcome.filesAlreadyHeld += 1
                continue
            }
            guard let reference = try store.blobReferences(sha256: file.sha256).first else {
                outcome.filesSkipped.append((file.sha256, "本节点没有引用该附件的办件（引用它的变更被隔离？）"))
                continue
            }
            guard reference.size == file.size else {
                outcome.filesSkipped.append((file.sha256, "办件登记的长度 \(reference.size) 与数据包中的 \(file.size) 不符"))
                continue
            }
            // A partial copy left by the blob lane is dropped: this one is whole and already checked.
            blobs.discardPartial(file.sha256)
            var offset: Int64 = 0
            while offset < file.size {
                offset = try blobs.append(file.sha256, size: file.size, offset: offset,
                                          bytes: try opened.read(file: index, offset: offset, limit: BundleFile.chunk))
            }
            outcome.filesInstalled += 1
        }
    }
}
