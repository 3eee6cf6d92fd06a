public import Foundation

/// The timestamp formats Nova puts on the wire.
public enum Timestamp {
    /// `2013-09-03T04:01:32Z`, used by server `created`/`updated` and fault `created`.
    public static func zulu(_ date: Date) -> String {
        format(date, fractional: false, zulu: true)
    }

    /// `2013-09-23T13:37:00.880302`, oslo's naive ISO form used by most resources.
    public static func naive(_ date: Date) -> String {
        format(date, fractional: true, zulu: false)
    }

    /// Anchored at both ends, so a match is the whole text.
    private static let isoPattern = try! NSRegularExpression(
        pattern: #"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"#)

    /// Parses an ISO 8601 timestamp as clients send them (`changes-since`): with or without fraction and
    /// zone (no zone means UTC), with a `T` or a space. `nil` when it is not one.
    public static func parse(_ text: String) -> Date? {
        guard let result = isoPattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
        func group(_ index: Int) -> String? {
            Range(result.range(at: index), in: text).map { String(text[$0]) }
        }
        var components = DateComponents()
        components.year = Int(group(1)!)
        components.month = Int(group(2)!)
        components.day = Int(group(3)!)
        components.hour = Int(group(4)!)
        components.minute = Int(group(5)!)
        components.second = group(6).flatMap { Int($0) } ?? 0
        var offset = 0
        if let zone = group(8), zone != "Z" {
            let digits = zone.dropFirst().replacingOccurrences(of: ":", with: "")
            guard let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)) else { return nil }
            offset = (hours * 3600 + minutes * 60) * (zone.hasPrefix("-") ? -1 : 1)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard (1...12).contains(components.month!), (1...31).contains(components.day!), components.hour! < 24, components.minute! < 60,
            components.second! < 61, let date = calendar.date(from: components)
        else { return nil }
        let fraction = group(7).flatMap { Double("0" + $0) } ?? 0
        return date.addingTimeInterval(fraction - Double(offset))
    }

    /// Formats in UTC with integer arithmetic (days to civil date, Hinnant's algorithm): list views format
    /// several timestamps per item, and Foundation's calendar is far slower.
    private static func format(_ date: Date, fractional: Bool, zulu: Bool) -> String {
        let civil = Civil(date)
        guard (0...9999).contains(civil.year) else {
            // Years of other widths, spelled as before: the fixed-width writer below covers 0000–9999.
            var text = pad(civil.year, 4) + "-" + pad(civil.month, 2) + "-" + pad(civil.day, 2) + "T" + pad(civil.secondOfDay / 3600, 2)
            text += ":" + pad(civil.secondOfDay % 3600 / 60, 2) + ":" + pad(civil.secondOfDay % 60, 2)
            return text + (fractional ? "." + pad(civil.micros, 6) : "") + (zulu ? "Z" : "")
        }
        // Written digit by digit into the string's own storage: a list view formats several per item, and
        // assembling the text from a dozen small strings was most of the cost.
        return String(unsafeUninitializedCapacity: 27) { civil.write(fractional: fractional, zulu: zulu, into: $0) }
    }

    /// What `zulu` (`fractional` false, `zulu` true) or `naive` (the reverse) spell, appended to `bytes`
    /// without making a string: a view writing JSON text writes its timestamps this way.
    static func append(_ date: Date, fractional: Bool, zulu: Bool, to bytes: inout [UInt8]) {
        let civil = Civil(date)
        guard (0...9999).contains(civil.year) else {
            bytes.append(contentsOf: format(date, fractional: fractional, zulu: zulu).utf8)
            return
        }
        var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 32 bytes, more than the 27 written
        withUnsafeMutableBytes(of: &storage) { raw in
            let text = raw.bindMemory(to: UInt8.self)
            let count = civil.write(fractional: fractional, zulu: zulu, into: text)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[..<count]))
        }
    }

    /// A date's fields in UTC's proleptic Gregorian calendar.
    private struct Civil {
        let year: Int
        let month: Int
        let day: Int
        let secondOfDay: Int
        let micros: Int

        init(_ date: Date) {
            let totalMicros = Int((date.timeIntervalSince1970 * 1_000_000).rounded())
            let (seconds, micros) = (totalMicros.floorDiv(1_000_000), totalMicros.floorMod(1_000_000))
            let (days, secondOfDay) = (seconds.floorDiv(86_400), seconds.floorMod(86_400))
            let shifted = days + 719_468
            let era = shifted.floorDiv(146_097)
            let dayOfEra = shifted - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let monthIndex = (5 * dayOfYear + 2) / 153
            day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
            month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
            year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
            self.secondOfDay = secondOfDay
            self.micros = micros
        }

        /// `YYYY-MM-DDThh:mm:ss[.ffffff][Z]` into `text` (room for 27 bytes; the year in 0000–9999); the count written.
        func write(fractional: Bool, zulu: Bool, into text: UnsafeMutableBufferPointer<UInt8>) -> Int {
            var count = 0
            func put(_ value: Int, _ width: Int) {
                var rest = value
                for position in stride(from: count + width - 1, through: count, by: -1) {
                    text[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                count += width
            }
            func put(_ separator: Unicode.Scalar) {
                text[count] = UInt8(ascii: separator)
                count += 1
            }
            put(year, 4)
            put("-")
            put(month, 2)
            put("-")
            put(day, 2)
            put("T")
            put(secondOfDay / 3600, 2)
            put(":")
            put(secondOfDay % 3600 / 60, 2)
            put(":")
            put(secondOfDay % 60, 2)
            if fractional {
                put(".")
                put(micros, 6)
            }
            if zulu { put("Z") }
            return count
        }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension Int {
    fileprivate func floorDiv(_ divisor: Int) -> Int { (self - floorMod(divisor)) / divisor }
    fileprivate func floorMod(_ divisor: Int) -> Int { ((self % divisor) + divisor) % divisor }
}
