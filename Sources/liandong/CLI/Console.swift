import Foundation
import LiandongDomain

/// Console writes what a command prints: one JSON document with `--json`, Chinese text otherwise.
struct Console {
    let json: Bool

    func emit(_ document: JSONValue, text: @autoclosure () -> String) {
        if json {
            Console.stdout(document.prettyString + "\n")
        } else {
            Console.stdout(text() + "\n")
        }
    }

    static func stdout(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func stderr(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Pads to a display width, counting CJK characters as two columns, for aligned tables.
    static func pad(_ text: String, _ width: Int) -> String {
        let shown = text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2 : 1) }
        return text + String(repeating: " ", count: max(1, width - shown))
    }
}
