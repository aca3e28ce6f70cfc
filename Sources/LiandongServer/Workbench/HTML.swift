import Foundation
import LiandongDomain

/// HTML helpers: every text that reaches a page goes through `esc`, so that an applicant named
/// `<script>` is shown as text, never run.
enum HTML {
    static func esc(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// RFC 3986 unreserved characters: case numbers (330106-20260302-0001) stay readable in URLs.
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// A URL path or query component.
    static func q(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// "yyyy-MM-dd HH:mm" in China Standard Time.
    static func time(_ millis: Int64) -> String {
        let seconds = millis / 1000 + 8 * 3600
        let date = LocalDate(epochMillis: millis)
        let minutes = (seconds % 86_400) / 60
        return date.iso + " " + String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }

    static func light(_ status: DeadlineStatus, completed: Bool = false) -> String {
        if completed { return "<span class=\"light done\">已办结</span>" }
        switch status {
        case .onTime: return "<span class=\"light green\">正常</span>"
        case .dueSoon: return "<span class=\"light yellow\">预警</span>"
        case .overdue: return "<span class=\"light red\">超期</span>"
        }
    }

    /// A labelled text field: the <label> is bound to the input by id (tests and screen readers find it).
    static func field(_ id: String, _ label: String, name: String? = nil, value: String = "", type: String = "text", extra: String = "",
                      hint: String = "") -> String {
        "<p class=\"field\"><label for=\"\(id)\">\(esc(label))</label><input id=\"\(id)\" name=\"\(name ?? id)\" type=\"\(type)\" value=\"\(esc(value))\" \(extra)>"
            + (hint.isEmpty ? "" : "<span class=\"hint\" id=\"\(id)-hint\">\(esc(hint))</span>") + "</p>"
    }

    static func textarea(_ id: String, _ label: String, value: String = "", extra: String = "") -> String {
        "<p class=\"field\"><label for=\"\(id)\">\(esc(label))</label><textarea id=\"\(id)\" name=\"\(id)\" rows=\"3\" \(extra)>\(esc(value))</textarea></p>"
    }

    static func select(_ id: String, _ label: String, options: [(value: String, text: String)], selected: String? = nil) -> String {
        var out = "<p class=\"field\"><label for=\"\(id)\">\(esc(label))</label><select id=\"\(id)\" name=\"\(id)\">"
        for option in options {
            out += "<option value=\"\(esc(option.value))\"\(option.value == selected ? " selected" : "")>\(esc(option.text))</option>"
        }
        return out + "</select></p>"
    }

    static func hidden(_ name: String, _ value: String) -> String {
        "<input type=\"hidden\" name=\"\(name)\" value=\"\(esc(value))\">"
    }

    /// A horizontal bar chart as inline SVG (no script, no external file).
    static func bars(_ title: String, _ rows: [(label: String, value: Double, text: String)], max: Double? = nil) -> String {
        let top = max ?? (rows.map(\.value).max() ?? 1)
        let height = rows.count * 26 + 10
        var out = "<figure class=\"chart\"><figcaption>\(esc(title))</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"\(height)\" role=\"img\" aria-label=\"\(esc(title))\">"
        for (index, row) in rows.enumerated() {
            let y = index * 26 + 5
            let width = top > 0 ? Int(360 * row.value / top) : 0
            out += "<text x=\"0\" y=\"\(y + 16)\" font-size=\"13\">\(esc(String(row.label.prefix(14))))</text>"
            out += "<rect x=\"200\" y=\"\(y)\" width=\"\(Swift.max(width, 1))\" height=\"20\" fill=\"#2f6fb3\"></rect>"
            out += "<text x=\"\(206 + width)\" y=\"\(y + 16)\" font-size=\"13\">\(esc(row.text))</text>"
        }
        return out + "</svg></figure>"
    }
}
