import Foundation
import NovaKitCore
import Testing

@Suite("Timestamps")
struct TimestampTests {
    @Test("Nova's two wire formats, in UTC, with microseconds for the naive one")
    func formats() {
        let date = Date(timeIntervalSince1970: 1_378_180_892.880302)  // 2013-09-03T04:01:32.880302Z
        #expect(Timestamp.zulu(date) == "2013-09-03T04:01:32Z")
        #expect(Timestamp.naive(date) == "2013-09-03T04:01:32.880302")
        #expect(Timestamp.naive(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000000")
        #expect(Timestamp.zulu(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")  // leap day
        #expect(Timestamp.zulu(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
    }

    @Test("formatting agrees with Foundation's Gregorian calendar across four centuries")
    func agreesWithCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let date = Date(timeIntervalSince1970: Double(Int.random(in: -2_208_988_800...7_258_118_400, using: &generator)))
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!)
            #expect(Timestamp.zulu(date) == expected)
            // A microsecond fraction (a Date's double holds it to within one, so it may come back one off).
            let micros = Int.random(in: 1..<999_999, using: &generator)
            let naive = Timestamp.naive(date.addingTimeInterval(Double(micros) / 1_000_000))
            #expect(naive.hasPrefix(expected.dropLast() + "."), "\(naive)")
            #expect(naive.count == 26 && abs(Int(naive.suffix(6))! - micros) <= 1, "\(naive) for \(micros) µs")
        }
    }

    @Test("years outside 0000–9999 are spelled in full")
    func wideYears() {
        #expect(Timestamp.zulu(Date(timeIntervalSince1970: 253_402_300_800)) == "10000-01-01T00:00:00Z")
        #expect(Timestamp.naive(Date(timeIntervalSince1970: 253_402_300_800.5)) == "10000-01-01T00:00:00.500000")
    }

    @Test(
        "parsing takes what clients send and refuses the rest",
        arguments: [
            ("2013-09-03T04:01:32Z", 1_378_180_892.0), ("2013-09-03T04:01:32", 1_378_180_892.0), ("2013-09-03 04:01:32", 1_378_180_892.0),
            ("2013-09-03T06:01:32+02:00", 1_378_180_892.0), ("2013-09-03T04:01:32.5Z", 1_378_180_892.5), ("2013-09-03T04:01Z", 1_378_180_860.0),
        ])
    func parses(text: String, seconds: Double) {
        #expect(Timestamp.parse(text)?.timeIntervalSince1970 == seconds)
    }

    @Test("malformed timestamps are nil", arguments: ["yesterday", "2013-13-01T00:00:00Z", "2013-09-03", "2013-09-03T25:00:00Z", ""])
    func refuses(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }
}
