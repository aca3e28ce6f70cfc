extension QRCode {
    /// The symbol as an inline `<svg>` element: one path of unit squares on a white ground with the
    /// 4-module quiet zone the standard asks for, scaled to `sizeMillimetres` on paper.
    /// `crispEdges` keeps module edges sharp in Chromium's PDF output.
    public func svg(sizeMillimetres: Int = 30, label: String) -> String {
        let quiet = 4
        let side = width + 2 * quiet
        var path = ""
        path.reserveCapacity(width * width * 4)
        for row in 0..<width {
            var column = 0
            while column < width {
                guard isDark(row: row, column: column) else {
                    column += 1
                    continue
                }
                // One rectangle per horizontal run of dark modules keeps the path short.
                var run = 1
                while column + run < width, isDark(row: row, column: column + run) { run += 1 }
                path += "M\(column + quiet) \(row + quiet)h\(run)v1h-\(run)z"
                column += run
            }
        }
        return "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\" "
            + "width=\"\(sizeMillimetres)mm\" height=\"\(sizeMillimetres)mm\" shape-rendering=\"crispEdges\" "
            + "role=\"img\" aria-label=\"\(HTML.escape(label))\">"
            + "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/><path d=\"\(path)\" fill=\"#000\"/></svg>"
    }
}
