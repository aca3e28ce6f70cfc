import Foundation

/// PrintedPDF is a printed document as a person gets it: the HTML file rendered to PDF by headless
/// Chromium (Debian's `chromium`), its text read back with `pdftotext` and its page count with
/// `pdfinfo` (poppler-utils), and its QR code read from a raster of the page with `zbarimg`
/// (zbar-tools). All are installed by `make deps`; a missing tool fails the test saying so.
struct PrintedPDF {
    let path: String
    /// The PDF's text with every white space removed (lines wrap wherever the page is full).
    let text: String
    let pages: Int

    /// Renders `html` (a file path) to `<html>.pdf`.
    init(html: String) throws {
        path = html + ".pdf"
        let profile = NSTemporaryDirectory() + "liandong-print-chromium-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let chromium = try PrintedPDF.tool("/usr/bin/chromium", package: "chromium", [
            "60", "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)",
            "--no-pdf-header-footer", "--print-to-pdf=\(path)", "file://\(html)",
        ], via: "/usr/bin/timeout")
        guard FileManager.default.fileExists(atPath: path) else {
            throw E2EFailure("chromium wrote no PDF for \(html) (exit \(chromium.status))\n\(chromium.errors)")
        }
        let raw = try PrintedPDF.tool("/usr/bin/pdftotext", package: "poppler-utils", ["-enc", "UTF-8", path, "-"]).output
        text = String(raw.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }.map(Character.init))
        let info = try PrintedPDF.tool("/usr/bin/pdfinfo", package: "poppler-utils", [path]).output
        let line = info.split(separator: "\n").first { $0.hasPrefix("Pages:") } ?? ""
        pages = Int(line.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces)) ?? 0
        let size = info.split(separator: "\n").first { $0.hasPrefix("Page size:") } ?? ""
        // pdfinfo names the paper when it matches a standard size ("594.96 x 841.92 pts (A4)").
        guard size.contains("(A4)") else { throw E2EFailure("\(path) is not A4: \(size)") }
    }

    /// Whether the text holds `fragment` (white space in the fragment is ignored too).
    func contains(_ fragment: String) -> Bool {
        text.contains(String(fragment.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }.map(Character.init)))
    }

    /// The text zbarimg decodes from the first page's QR code, rasterised at 200 dpi.
    func qrText() throws -> String {
        let prefix = path + "-page"
        _ = try PrintedPDF.tool("/usr/bin/pdftoppm", package: "poppler-utils", ["-r", "200", "-f", "1", "-l", "1", "-png", path, prefix])
        let image = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
            .filter { $0.hasPrefix((prefix as NSString).lastPathComponent) && $0.hasSuffix(".png") }.sorted().first
        guard let image else { throw E2EFailure("pdftoppm made no image of \(path)") }
        let directory = (path as NSString).deletingLastPathComponent
        let result = try PrintedPDF.tool("/usr/bin/zbarimg", package: "zbar-tools", ["--raw", "-q", directory + "/" + image])
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a Debian tool, failing with the package to install when it is missing.
    @discardableResult
    static func tool(_ executable: String, package: String, _ arguments: [String], via launcher: String? = nil) throws -> (status: Int32, output: String, errors: String) {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw E2EFailure("\(executable) is missing: install the Debian package \(package) (make deps does)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launcher ?? executable)
        process.arguments = arguments
        let out = NSTemporaryDirectory() + "liandong-print-out-\(UUID().uuidString)"
        let err = out + ".err"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: out)
            try? FileManager.default.removeItem(atPath: err)
        }
        guard let outHandle = FileHandle(forWritingAtPath: out), let errHandle = FileHandle(forWritingAtPath: err) else {
            throw E2EFailure("cannot open temporary files for \(executable)")
        }
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try? outHandle.close()
        try? errHandle.close()
        let output = String(decoding: FileManager.default.contents(atPath: out) ?? Data(), as: UTF8.self)
        let errors = String(decoding: FileManager.default.contents(atPath: err) ?? Data(), as: UTF8.self)
        return (process.terminationStatus, output, errors)
    }
}
