/// AttachmentLimits bound what a case may carry, so that one scan cannot fill a village PC's disk
/// or hold a 64 kbit/s link for days (issue 12, DESIGN §7).
///
/// Two layers: `ceiling` is fixed in the code and checked by the reducer on every replica (a change
/// over it is a conflict everywhere alike); `standard` is what a node refuses to record in the first
/// place. The county-set value is meant to replace `standard` as a replicated setting like
/// EvaluationSettings; until that exists these constants are the limits (documented in README).
public struct AttachmentLimits: Hashable, Sendable {
    public var maxFileBytes: Int64
    public var maxCaseBytes: Int64

    public init(maxFileBytes: Int64, maxCaseBytes: Int64) {
        self.maxFileBytes = maxFileBytes
        self.maxCaseBytes = maxCaseBytes
    }

    /// Checked where a file is attached: 20 MiB a file (a multi-page colour scan at 300 dpi), 200 MiB a case.
    public static let standard = AttachmentLimits(maxFileBytes: 20 << 20, maxCaseBytes: 200 << 20)
    /// Checked by the reducer on every replica: no setting may go beyond it.
    public static let ceiling = AttachmentLimits(maxFileBytes: 64 << 20, maxCaseBytes: 512 << 20)

    /// Why a file of `size` bytes may not join a case already carrying `caseBytes`, or nil.
    public func problem(size: Int64, caseBytes: Int64) -> String? {
        guard size > 0 else { return "文件为空" }
        if size > maxFileBytes { return "文件 \(Self.describe(size)) 超过单个文件上限 \(Self.describe(maxFileBytes))" }
        if caseBytes + size > maxCaseBytes {
            return "本办件已有附件 \(Self.describe(caseBytes))，加上该文件超过每件上限 \(Self.describe(maxCaseBytes))"
        }
        return nil
    }

    /// A size as staff read it: "512 B", "1.5 KB", "20.0 MB".
    public static func describe(_ bytes: Int64) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        let kib = Double(bytes) / 1024
        if kib < 1024 { return "\(Double(Int(kib * 10)) / 10) KB" }
        return "\(Double(Int(kib / 1024 * 10)) / 10) MB"
    }
}
