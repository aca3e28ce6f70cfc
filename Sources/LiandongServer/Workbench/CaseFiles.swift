import Foundation
import LiandongDomain
import LiandongStore
import LiandongSync

/// The files of a case in the workbench (issue 12): each page shown inline (images) or embedded
/// (PDF) on 办件详情, every view of a file written to the audit trail; and the upload form.
extension Workbench {
    /// `GET /cases/{number}/files/{sha256}`: the file's bytes, for staff who may see the case; audited.
    func caseFile(_ context: WebContext, number: String, sha256: String) throws -> HTTPServerResponse {
        try require(.viewCase, context, target: number)
        return try writer.with { store in
            guard let state = try store.caseState(number), let file = state.attachments.first(where: { $0.sha256 == sha256 }) else {
                throw WebError.notFound(context.request.path)
            }
            guard store.blobs.has(sha256) else { throw WebError.invalid("材料传输中：\(file.fileName) 尚未到达本节点") }
            let bytes = try store.blobs.read(sha256, offset: 0, limit: Int(file.size))
            try audit(context, "view.file", target: number, detail: "\(file.fileName) \(sha256)", store: store)
            var headers = headers(file.mediaType.rawValue)
            // Shown inside the case page only; never run as anything but its type.
            headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
            headers["X-Frame-Options"] = "SAMEORIGIN"
            let ascii = file.fileName.unicodeScalars.allSatisfy { $0.isASCII && $0 != "\"" } ? file.fileName : "file." + file.mediaType.fileExtension
            let encoded = file.fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ascii
            headers["Content-Disposition"] = (file.mediaType == .ofd ? "attachment" : "inline") + "; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
            service.statusCounts.add(200)
            return HTTPServerResponse(status: 200, headers: headers, body: context.request.method == "HEAD" ? [] : bytes)
        }
    }

    /// `POST /cases/{number}/attach` (multipart): one or more pages of a material; each becomes a
    /// `case.attached` change, checked by content and size like `case attach`.
    func caseAttach(_ context: WebContext, number: String, files: [Multipart.File]) throws -> HTTPServerResponse {
        try require(.attach, context, target: number)
        guard let material = context.form["material"] else { throw WebError.invalid("请选择材料") }
        guard !files.isEmpty else { throw WebError.invalid("请选择要上传的文件") }
        return try writer.with { store in
            guard try store.caseState(number) != nil else { throw WebError.notFound(number) }
            let scratch = store.blobs.partialRoot
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for file in files {
                let path = scratch + "/upload-" + UUID().uuidString
                defer { try? FileManager.default.removeItem(atPath: path) }
                guard FileManager.default.createFile(atPath: path, contents: Data(file.bytes), attributes: [.posixPermissions: 0o600]) else {
                    throw WebError.invalid("无法保存上传的文件")
                }
                let name = (file.fileName as NSString).lastPathComponent
                do {
                    try store.attachFile(path, to: number, material: material, actor: actor(context), fileName: name.isEmpty ? "upload" : name)
                } catch let error as StoreError {
                    return try refusedUpload(context, number: number, code: error.code, message: "\(name)：\(error.message)", store: store)
                } catch let error as CaseError {
                    return try refusedUpload(context, number: number, code: error.code, message: "\(name)：\(error.message)", store: store)
                }
                try audit(context, StaffPermission.attach.rawValue, target: number, detail: name, store: store)
            }
            return redirect("/cases/\(HTML.q(number))")
        }
    }

    /// A refused upload: audited, and the case page again with the reason.
    func refusedUpload(_ context: WebContext, number: String, code: String, message: String, store: NodeStore) throws -> HTTPServerResponse {
        try audit(context, StaffPermission.attach.rawValue, target: number, outcome: "refused", detail: code, store: store)
        let view = try store.caseView(number)
        return try staffPage(context, store: store, title: "办件 \(number)", active: "", body: caseBody(context, view: view, unmask: false, store: store, error: message), live: true)
    }

    /// The upload form of 办件详情: a material and one or more files (scanner output, phone photos).
    func attachForm(_ context: WebContext, state: CaseState) -> String {
        guard context.can(.attach), CaseAction.attach.allowedFrom.contains(state.status) else { return "" }
        let options = state.item.materials.map { "<option value=\"\(HTML.esc($0.id))\">\(HTML.esc($0.name))</option>" }.joined()
        return "<form method=\"post\" enctype=\"multipart/form-data\" action=\"/cases/\(HTML.q(state.number))/attach\" id=\"attach-form\" class=\"panel\">"
            + csrfField(context)
            + "<label for=\"attach-material\">材料</label><select id=\"attach-material\" name=\"material\">\(options)</select>"
            + "<label for=\"attach-files\">文件（PDF、OFD、JPEG、PNG，可多选；单个不超过 \(AttachmentLimits.describe(min(AttachmentLimits.standard.maxFileBytes, Workbench.maxUploadBytes)))）</label>"
            + "<input id=\"attach-files\" type=\"file\" name=\"file\" multiple accept=\"application/pdf,.ofd,image/jpeg,image/png\">"
            + "<button type=\"submit\">上传材料</button></form>"
    }

    /// What one upload may carry: the node's request body limit.
    static let maxUploadBytes: Int64 = Int64(SyncProtocol.maxBodyBytes) - (64 << 10)
}
