import LiandongDomain
import LiandongStore

/// BundleHeader is what a USB bundle says of itself and carries besides its files
/// (Protocol/bundle.md): who wrote it for whom, which way it goes, the changes, and where the
/// receiver's cursors may move.
public struct BundleHeader: Sendable {
    public enum Direction: String, Sendable {
        /// Child to parent: applied as a push.
        case up
        /// Parent to child: applied as a pull.
        case down
    }

    public struct File: Sendable, Equatable {
        public var sha256: String
        public var size: Int64

        public init(sha256: String, size: Int64) {
            self.sha256 = sha256
            self.size = size
        }
    }

    public static let format = "liandong-bundle"
    public static let version: Int64 = 1

    public var from: String
    public var to: String
    public var direction: Direction
    public var createdAt: Int64
    /// The writer's heads when it wrote the bundle: the receiver learns what the writer holds.
    public var heads: Heads
    /// The changes, oldest first, in wire form.
    public var changes: [JSONValue]
    /// The files that follow the header, in order.
    public var files: [File]
    /// Up: the writer's pull cursor into the receiver's log, and that log's epoch as the writer knows it.
    public var cursor: Int64 = 0
    public var cursorEpoch: String?
    /// Down: the writer's epoch and the route positions the changes cover (after, next].
    public var epoch: String = ""
    public var after: Int64 = 0
    public var next: Int64 = 0
    /// Down: quarantine reports for the receiver's subtree, and the files the writer holds whole
    /// among the cases it shares with the receiver (the receiver stops offering them).
    public var quarantined: [SyncReport] = []
    public var held: [String] = []

    public init(from: String, to: String, direction: Direction, createdAt: Int64, heads: Heads, changes: [JSONValue], files: [File]) {
        self.from = from
        self.to = to
        self.direction = direction
        self.createdAt = createdAt
        self.heads = heads
        self.changes = changes
        self.files = files
    }

    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "format": .string(Self.format), "version": .int(Self.version), "from": .string(from), "to": .string(to),
            "direction": .string(direction.rawValue), "createdAt": .int(createdAt), "heads": heads.json, "changes": .array(changes),
            "files": .array(files.map { ["sha256": .string($0.sha256), "size": .int($0.size)] }),
        ]
        switch direction {
        case .up:
            fields["cursor"] = .int(cursor)
            if let cursorEpoch { fields["cursorEpoch"] = .string(cursorEpoch) }
        case .down:
            fields["epoch"] = .string(epoch)
            fields["after"] = .int(after)
            fields["next"] = .int(next)
            fields["quarantined"] = .array(quarantined.map(\.json))
            fields["held"] = .strings(held)
        }
        return .object(fields)
    }

    public init(_ reader: MessageReader) throws(SyncError) {
        guard (try? reader.string("format")) == Self.format else { throw SyncError("bundle_not_a_bundle", "不是联动数据包（format 字段不符）") }
        let version = try reader.int("version")
        guard version == Self.version else { throw SyncError("bundle_version", "数据包版本 \(version) 不受支持（本程序支持 \(Self.version)）") }
        from = try reader.nodeCode("from")
        to = try reader.nodeCode("to")
        guard let direction = Direction(rawValue: try reader.string("direction")) else {
            throw SyncError.invalid("direction", "应为 up 或 down")
        }
        self.direction = direction
        createdAt = try reader.int("createdAt", in: 0...JSONParser.maxSafeInteger)
        heads = try reader.heads("heads")
        changes = try reader.array("changes")
        files = []
        for (index, item) in try reader.array("files").enumerated() {
            guard let fields = item.objectValue else { throw SyncError.invalid("files[\(index)]", "应为对象") }
            let entry = MessageReader(fields: fields, prefix: "files[\(index)]")
            let sha = try entry.string("sha256")
            guard Attachment.isBlobName(sha) else { throw SyncError.invalid("files[\(index)].sha256", "应为 64 位小写十六进制 SHA-256") }
            files.append(File(sha256: sha, size: try entry.int("size", in: 1...Int64.max)))
        }
        switch direction {
        case .up:
            cursor = try reader.int("cursor", in: 0...Int64.max)
            cursorEpoch = reader.fields["cursorEpoch"]?.stringValue
        case .down:
            epoch = try reader.string("epoch")
            after = try reader.int("after", in: 0...Int64.max)
            next = try reader.int("next", in: 0...Int64.max)
            quarantined = try reader.reports("quarantined")
            held = try reader.array("held").compactMap(\.stringValue).filter(Attachment.isBlobName)
        }
    }
}
