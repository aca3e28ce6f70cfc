/// BandwidthWindow is a village's cap on the blob lane during its working hours (issue 12 item 3):
/// a 20 MB scan must not take the whole of a 64 kbit/s line while the agent serves applicants.
/// Written in the config file as `blob-bandwidth = 4 08:00-18:00`: at most 4 KiB/s each way from
/// 08:00 to 18:00 Beijing time (UTC+8), unlimited outside. A window may run past midnight
/// (`22:00-06:00`). Changes are never capped: they are small, and a decision must not wait.
public struct BandwidthWindow: Equatable, Sendable {
    /// The cap in KiB/s; at least 2, so that the client's low-speed abort (1 KiB/s for 15 s) never trips.
    public var kibPerSecond: Int
    /// Minutes after local midnight, the start included and the end not.
    public var startMinute: Int
    public var endMinute: Int

    public static let minimumKiB = 2

    public init(kibPerSecond: Int, startMinute: Int, endMinute: Int) {
        self.kibPerSecond = kibPerSecond
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// `KIB HH:MM-HH:MM`; nil when it is not that form, the cap is below the minimum, or the window is empty.
    public static func parse(_ text: String) -> BandwidthWindow? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, let kib = Int(parts[0]), kib >= minimumKiB, kib <= 1 << 20 else { return nil }
        let times = parts[1].split(separator: "-", omittingEmptySubsequences: false)
        guard times.count == 2, let start = minute(times[0]), let end = minute(times[1]), start != end else { return nil }
        return BandwidthWindow(kibPerSecond: kib, startMinute: start, endMinute: end)
    }

    /// `HH:MM` as minutes after midnight; `24:00` is the end of the day.
    static func minute(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...59).contains(minutes), (0...23).contains(hours) || (hours == 24 && minutes == 0)
        else { return nil }
        return hours * 60 + minutes
    }

    /// Whether a minute of the local day falls in the window.
    public func contains(minuteOfDay minute: Int) -> Bool {
        startMinute < endMinute ? (startMinute..<endMinute).contains(minute) : (minute >= startMinute || minute < endMinute)
    }

    /// The cap in bytes per second at an instant, or nil when none applies.
    public func bytesPerSecond(atEpochMillis millis: Int64, utcOffsetSeconds: Int = 8 * 3600) -> Int? {
        let seconds = millis / 1000 + Int64(utcOffsetSeconds)
        let minute = Int(((seconds % 86_400) + 86_400) % 86_400 / 60)
        return contains(minuteOfDay: minute) ? kibPerSecond * 1024 : nil
    }
}
