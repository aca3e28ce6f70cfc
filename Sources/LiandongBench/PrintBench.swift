import Foundation
import LiandongDomain
import LiandongPrint
import LiandongStore

/// PrintBench times the printed documents (issue 9 item 6): every document each sampled case's state
/// allows, rendered from its CaseView as the workbench would, with the page weight; and the QR code alone.
enum PrintBench {
    struct Result {
        var pages = 0
        var micros: [Double] = []
        var bytes: [PrintedDocumentKind: Int] = [:]
        var qrMicros = 0.0
    }

    static func run(store: NodeStore, sampleCases: Int) throws -> Result {
        var result = Result()
        let calendar = try store.calendar()
        let names = Dictionary((try store.registry()).map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        let node = PrintingNode(code: store.identity.code, fullName: store.identity.name)
        for summary in try store.listCases().prefix(sampleCases) {
            guard let state = try store.caseState(summary.number) else { continue }
            let view = CaseView(state: state, calendar: calendar, today: store.today)
            let request = PrintRequest(subject: .existing(view), node: node, nodeNames: names, publicBase: "https://zwfw.example.gov.cn",
                                       printedAt: store.now())
            for kind in PrintedDocument.kinds(allowedFor: state) {
                let start = ContinuousClock.now
                let html = try PrintedDocument.render(kind, request)
                result.micros.append((ContinuousClock.now - start).seconds * 1e6)
                result.bytes[kind] = max(result.bytes[kind] ?? 0, html.utf8.count)
                result.pages += 1
            }
        }
        let url = "https://zwfw.example.gov.cn/public?number=330106001201-20260928-0001&code=K7M2Q9XW"
        let start = ContinuousClock.now
        for _ in 0..<200 { _ = try QRCode(encoding: url) }
        result.qrMicros = (ContinuousClock.now - start).seconds * 1e6 / 200
        return result
    }

    static func report(_ result: Result) -> String {
        let sorted = result.micros.sorted()
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        let weights = PrintedDocumentKind.allCases.compactMap { kind in result.bytes[kind].map { "\(kind.slug) \($0)" } }
        return """
            printed documents (LiandongPrint.render, \(result.pages) pages from the bench's cases)
              render p50 \(Report.fixed(percentile(0.5), 0)) µs, p99 \(Report.fixed(percentile(0.99), 0)) µs; QR code alone \(Report.fixed(result.qrMicros, 0)) µs
              largest page per kind (bytes): \(weights.joined(separator: ", "))
            """
    }
}
