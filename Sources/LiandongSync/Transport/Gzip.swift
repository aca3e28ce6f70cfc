import CZlib

/// Gzip compresses and decompresses whole HTTP bodies with zlib.
///
/// curl does not compress requests and libmicrohttpd does not decompress them (DESIGN.md §2),
/// so both directions of a sync exchange go through here.
public enum Gzip {
    /// Compresses `bytes` into one gzip member.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws(GzipError) -> [UInt8] {
        let stream = ZStream()
        defer { stream.release(deflating: true) }
        guard liandong_deflate_init_gzip(stream.pointer, level) == Z_OK else {
            throw .zlib(code: Z_STREAM_ERROR, message: "deflateInit2 refused level \(level)")
        }
        stream.initialized = true
        var output: [UInt8] = []
        output.reserveCapacity(Int(deflateBound(stream.pointer, uLong(bytes.count))))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        try bytes.withUnsafeBufferPointer { (input) throws(GzipError) in
            // zlib never writes through next_in; the cast only satisfies its non-const field.
            stream.pointer.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.pointer.pointee.avail_in = uInt(input.count)
            var status = Z_OK
            repeat {
                let produced = chunk.withUnsafeMutableBufferPointer { out -> Int in
                    stream.pointer.pointee.next_out = out.baseAddress
                    stream.pointer.pointee.avail_out = uInt(out.count)
                    status = deflate(stream.pointer, Z_FINISH)
                    return out.count - Int(stream.pointer.pointee.avail_out)
                }
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw .zlib(code: status, message: stream.message)
                }
                output.append(contentsOf: chunk[0..<produced])
            } while status != Z_STREAM_END
        }
        return output
    }

    /// Decompresses one or more concatenated gzip members, refusing to produce more than
    /// `limit` bytes (a small "zip bomb" can inflate a thousandfold) and refusing input
    /// that is corrupt or ends before its trailer.
    public static func decompress(_ bytes: [UInt8], limit: Int) throws(GzipError) -> [UInt8] {
        guard !bytes.isEmpty else { throw .truncated }
        let stream = ZStream()
        defer { stream.release(deflating: false) }
        guard liandong_inflate_init_gzip(stream.pointer) == Z_OK else {
            throw .zlib(code: Z_STREAM_ERROR, message: "inflateInit2 failed")
        }
        stream.initialized = true
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        try bytes.withUnsafeBufferPointer { (input) throws(GzipError) in
            stream.pointer.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.pointer.pointee.avail_in = uInt(input.count)
            while true {
                var status = Z_OK
                let produced = chunk.withUnsafeMutableBufferPointer { out -> Int in
                    stream.pointer.pointee.next_out = out.baseAddress
                    stream.pointer.pointee.avail_out = uInt(out.count)
                    status = inflate(stream.pointer, Z_NO_FLUSH)
                    return out.count - Int(stream.pointer.pointee.avail_out)
                }
                if produced > limit - output.count { throw .tooLarge(limit: limit) }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    // RFC 1952 allows several members back to back; anything else after a
                    // member is garbage and inflate will report it as a data error.
                    if stream.pointer.pointee.avail_in == 0 { return }
                    guard inflateReset(stream.pointer) == Z_OK else {
                        throw .zlib(code: Z_STREAM_ERROR, message: "inflateReset failed")
                    }
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible with output room left: the input ran out early.
                    if stream.pointer.pointee.avail_in == 0 { throw .truncated }
                    throw .zlib(code: status, message: stream.message)
                case Z_DATA_ERROR, Z_NEED_DICT:
                    throw .corrupt(stream.message)
                default:
                    throw .zlib(code: status, message: stream.message)
                }
            }
        }
        return output
    }
}

/// Why a gzip body could not be produced or read.
public enum GzipError: Error, Equatable, Sendable {
    /// Decompressing would exceed the caller's limit (a zip bomb, or simply too big).
    case tooLarge(limit: Int)
    /// The input ended before the gzip trailer.
    case truncated
    /// The input is not gzip, or fails its checksum.
    case corrupt(String)
    /// zlib failed for another reason.
    case zlib(code: Int32, message: String)
}

/// ZStream owns a heap-allocated `z_stream`.
///
/// It must not be a Swift `var` passed with `&`: zlib keeps a back-pointer to the stream
/// (`state->strm`) and rejects calls from any other address with Z_STREAM_ERROR, and Swift
/// does not promise a stable address for an inout argument across calls.
private final class ZStream {
    let pointer: UnsafeMutablePointer<z_stream>
    var initialized = false

    init() {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: z_stream())
    }

    var message: String {
        pointer.pointee.msg.map { String(cString: $0) } ?? "unknown zlib error"
    }

    func release(deflating: Bool) {
        guard initialized else { return }
        initialized = false
        if deflating { deflateEnd(pointer) } else { inflateEnd(pointer) }
    }

    deinit {
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }
}
