import Foundation

/// The timestamp formats Nova puts on the wire.
public enum Timestamp {
    /// `2013-09-03T04:01:32Z`, used by server `created`/`updated` and fault `created`.
    public static func zulu(_ date: Date) -> String {
        format(date, fractional: false) + "Z"
    }

    /// `2013-09-23T13:37:00.880302`, oslo's naive ISO form used by most resources.
    public static func naive(_ date: Date) -> String {
        format(date, fractional: true)
    }

    private static func format(_ date: Date, fractional: Bool) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let base = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d",
            parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!
        )
        guard fractional else { return base }
        let micros = Int((date.timeIntervalSince1970 * 1_000_000).rounded()) % 1_000_000
        return base + String(format: ".%06d", micros)
    }
}
