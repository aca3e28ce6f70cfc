import Foundation
import LiandongDomain
import LiandongStore

/// ProtocolVectors reads Protocol/vectors/*.json and rebuilds each change vector with the
/// project's own code, so that the tests compare and `LIANDONG_WRITE_VECTORS=1` can regenerate.
enum ProtocolVectors {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protocol/vectors")

    /// True when the run should rewrite the vector files' outputs instead of checking them.
    static var regenerating: Bool { ProcessInfo.processInfo.environment["LIANDONG_WRITE_VECTORS"] == "1" }

    static func load(_ name: String) throws -> JSONValue {
        try JSONParser.parse(Array(try Data(contentsOf: directory.appendingPathComponent(name))))
    }

    static func write(_ json: JSONValue, to name: String) throws {
        try Data((json.prettyString + "\n").utf8).write(to: directory.appendingPathComponent(name))
    }

    /// The bytes a canonical or rejected case feeds the parser: `input` as UTF-8, or `inputHex`.
    static func inputBytes(_ vector: JSONValue) -> [UInt8]? {
        if let text = vector["input"]?.stringValue { return Array(text.utf8) }
        return vector["inputHex"]?.stringValue.flatMap(Hex.decode)
    }

    /// One signing key of the vectors: the origin it signs for and its fixed seed.
    struct Key {
        let origin: String
        let signingKey: Ed25519SigningKey
        let listedPublicKey: String
    }

    static func keys(_ file: JSONValue) throws -> [String: Key] {
        var keys: [String: Key] = [:]
        for entry in file["keys"]?.arrayValue ?? [] {
            guard let origin = entry["origin"]?.stringValue, let seed = entry["seed"]?.stringValue.flatMap(Hex.decode) else {
                throw VectorError("key without origin or seed")
            }
            keys[origin] = Key(
                origin: origin, signingKey: try Ed25519SigningKey(seed: seed), listedPublicKey: entry["publicKey"]?.stringValue ?? "")
        }
        return keys
    }

    /// Builds every change of changes.json from its `input` exactly as NodeStore.record does:
    /// prev from the origin's previous vector (zero for seq 1), then hash, then signature.
    static func changes(_ file: JSONValue, keys: [String: Key]) throws -> [Change] {
        var heads: [String: (seq: Int64, hash: [UInt8])] = [:]
        var built: [Change] = []
        for vector in file["changes"]?.arrayValue ?? [] {
            guard let input = vector["input"], let origin = input["origin"]?.stringValue, let key = keys[origin] else {
                throw VectorError("change without input or with an origin that has no key")
            }
            let head = heads[origin] ?? (0, Change.zeroHash)
            guard input["seq"]?.intValue == head.seq + 1 else { throw VectorError("\(origin): seq must follow \(head.seq)") }
            var change = Change(
                origin: origin, seq: head.seq + 1,
                hlc: HLC(physicalMillis: try int(input, "physicalMillis"), logical: try int(input, "logical")),
                wall: try int(input, "wall"), actor: try string(input, "actor"), entity: try string(input, "entity"),
                kind: try string(input, "kind"), payload: input["payload"] ?? .null,
                parties: (input["parties"]?.arrayValue ?? []).compactMap(\.stringValue), prev: head.hash)
            change.hash = SHA256.hash(change.signingBody)
            change.sig = try key.signingKey.sign(change.hash)
            heads[origin] = (change.seq, change.hash)
            built.append(change)
        }
        return built
    }

    /// changes.json with every output field replaced by what the code produces.
    static func regeneratedChanges(_ file: JSONValue) throws -> JSONValue {
        guard case .object(var fields) = file, let keyList = file["keys"]?.arrayValue, let vectors = file["changes"]?.arrayValue else {
            throw VectorError("changes.json is not an object with keys and changes")
        }
        let keys = try keys(file)
        fields["keys"] = .array(keyList.map { entry in
            guard case .object(var k) = entry, let origin = entry["origin"]?.stringValue, let key = keys[origin] else { return entry }
            k["publicKey"] = .string(Hex.encode(key.signingKey.publicKey))
            return .object(k)
        })
        let built = try changes(file, keys: keys)
        fields["changes"] = .array(zip(vectors, built).map { vector, change in
            guard case .object(var v) = vector else { return vector }
            v["body"] = .string(change.bodyJSON.canonicalString)
            v["hash"] = .string(Hex.encode(change.hash))
            v["sig"] = .string(Hex.encode(change.sig))
            v["wire"] = .string(change.wireJSON.canonicalString)
            return .object(v)
        })
        return .object(fields)
    }

    /// canonical.json with each output and rejection reason replaced by what the parser says.
    static func regeneratedCanonical(_ file: JSONValue) throws -> JSONValue {
        guard case .object(var fields) = file else { throw VectorError("canonical.json is not an object") }
        func rewrite(_ key: String, _ output: @escaping ([UInt8]) -> String) {
            fields[key] = .array((file[key]?.arrayValue ?? []).map { vector in
                guard case .object(var v) = vector, let bytes = inputBytes(vector) else { return vector }
                v[key == "canonical" ? "output" : "reason"] = .string(output(bytes))
                return .object(v)
            })
        }
        rewrite("canonical") { (try? JSONParser.parse($0).canonicalString) ?? "ACCEPTED WRONGLY: REJECTED" }
        rewrite("rejected") { bytes in
            do {
                _ = try JSONParser.parse(bytes)
                return "ACCEPTED WRONGLY"
            } catch let error as JSONParseError {
                return error.reason
            } catch {
                return "\(error)"
            }
        }
        return .object(fields)
    }

    private static func int(_ json: JSONValue, _ key: String) throws -> Int64 {
        guard let value = json[key]?.intValue else { throw VectorError("input.\(key) is not an integer") }
        return value
    }

    private static func string(_ json: JSONValue, _ key: String) throws -> String {
        guard let value = json[key]?.stringValue else { throw VectorError("input.\(key) is not a string") }
        return value
    }
}

/// VectorError: a vector file that does not have the expected shape.
struct VectorError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
