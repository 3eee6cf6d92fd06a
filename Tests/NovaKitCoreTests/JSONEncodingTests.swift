import Foundation
import NovaKitCore
import Testing

@Suite("JSON serialization")
struct JSONEncodingTests {
    static func reference(_ value: JSON) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    static let samples: [JSON] = [
        .null, true, false, 0, -7, .int(Int.max), .int(Int.min), 1.0, 0.5, -3.25, 1e20, 1.5e-7, "", "plain", "quote \" backslash \\ slash /",
        "\n\r\t\u{08}\u{0C}\u{01}\u{1F}\u{7F}", "ünïcödé ✓ 🚀 \u{2028}", [], [:], [1, "two", [3]],
        ["b": 1, "a": ["z": .null, "y": [true]], "A": "x", "_": 0.25, "ä": "umlaut", "a-b": 1, "a_b": 2, "a b": 3],
    ]

    @Test("writes exactly what JSONEncoder with sorted keys and unescaped slashes writes", arguments: samples)
    func matchesFoundation(value: JSON) throws {
        #expect(value.encoded() == (try Self.reference(value)))
        // An integral double reads back as an integer (as with Foundation); everything else round-trips.
        if value != 1.0 { #expect(try JSON.parse(value.encoded()) == value) }
    }

    @Test("a byte to escape is escaped wherever it stands in a string of any length (words of eight checked at once)")
    func escapesAtEveryOffset() throws {
        let specials: [String] = ["\"", "\\", "\u{0}", "\u{1F}", "\n", "\t", "\u{08}", "\u{0C}", "\r"]
        let neighbours: [String] = [" ", "\u{7F}", "!", "#", "[", "]", "é", "€"]  // bytes next to the escaped ones, and multi-byte text
        for length in 0...24 {
            for offset in 0...length {
                for special in specials {
                    let filler = neighbours[(length + offset) % neighbours.count]
                    var text = String(repeating: "a", count: length)
                    text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: offset))
                    text += filler + special
                    let value = JSON.string(text)
                    #expect(value.encoded() == (try Self.reference(value)), "\(length) \(offset)")
                }
            }
        }
        for filler in neighbours {
            let plain = JSON.string(String(repeating: filler, count: 33))
            #expect(plain.encoded() == (try Self.reference(plain)))
        }
    }

    @Test("random documents serialize as Foundation does and read back unchanged")
    func randomDocuments() throws {
        var generator = SystemRandomNumberGenerator()
        func random(_ depth: Int) -> JSON {
            switch Int.random(in: 0...(depth > 3 ? 3 : 6), using: &generator) {
            case 0: return .int(Int.random(in: -1_000_000...1_000_000, using: &generator))
            case 1: return .bool(Bool.random(using: &generator))
            case 2:
                return .string(
                    String(
                        (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                            Character(Unicode.Scalar(UInt8.random(in: 1...126, using: &generator)))
                        }))
            case 3: return .null
            case 4, 5:
                return .object(
                    Dictionary(
                        uniqueKeysWithValues: (0..<Int.random(in: 0...5, using: &generator)).map {
                            ("k\($0)\(Int.random(in: 0...9))", random(depth + 1))
                        }))
            default: return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in random(depth + 1) })
            }
        }
        for _ in 0..<300 {
            let value = random(0)
            #expect(value.encoded() == (try Self.reference(value)))
            #expect(try JSON.parse(value.encoded()) == value)
        }
    }
}

@Suite("JSONWriter")
struct JSONWriterTests {
    /// Writes `value` with the writer, object keys in sorted order, as a view does.
    static func write(_ value: JSON, into writer: inout JSONWriter) {
        switch value {
        case .null: writer.null()
        case .bool(let flag): writer.bool(flag)
        case .int(let number): writer.int(number)
        case .string(let text): writer.string(text)
        case .double: writer.value(value)
        case .array(let elements):
            writer.array { writer in
                for element in elements { write(element, into: &writer) }
            }
        case .object(let members):
            writer.object { writer in
                for key in members.keys.sorted() {
                    writer.key(text: key)
                    write(members[key]!, into: &writer)
                }
            }
        }
    }

    @Test("writing a value member by member gives the bytes its tree encodes to", arguments: JSONEncodingTests.samples)
    func matchesTree(value: JSON) {
        var writer = JSONWriter()
        Self.write(value, into: &writer)
        #expect(writer.bytes == value.encodedBytes())
        var inArray = JSONWriter()
        inArray.array { writer in
            Self.write(value, into: &writer)
            writer.value(value)
            writer.string(nil)
        }
        #expect(inArray.bytes == JSON.array([value, value, .null]).encodedBytes())
    }

    @Test("a key known when compiled is written as the same key from data is")
    func staticKeys() {
        var written = JSONWriter()
        written.object { object in
            object.key("OS-EXT-IPS-MAC:mac_addr")
            object.int(1)
            object.key("a")
            object.null()
            object.key("os-extended-volumes:volumes_attached")
            object.array(strings: [])
        }
        var fromData = JSONWriter()
        fromData.object { object in
            object.key(text: "OS-EXT-IPS-MAC:mac_addr")
            object.int(1)
            object.key(text: "a")
            object.null()
            object.key(text: "os-extended-volumes:volumes_attached")
            object.array(strings: [])
        }
        let expected: JSON = ["OS-EXT-IPS-MAC:mac_addr": 1, "a": nil, "os-extended-volumes:volumes_attached": []]
        #expect(written.bytes == expected.encodedBytes())
        #expect(fromData.bytes == written.bytes)
    }

    @Test("timestamps written into the text are the strings Timestamp formats, over random dates of any year")
    func timestamps() {
        var generator = SystemRandomNumberGenerator()
        let fixed: [Double] = [
            0, -1, 0.000_001, 0.999_999_5, 1_700_000_000.25, 253_402_300_799.999, 253_402_300_800, -62_167_219_200, -62_167_219_201,
        ]
        let random = (0..<2_000).map { _ in Double.random(in: -70_000_000_000...300_000_000_000, using: &generator).rounded() / 1_000 }
        for seconds in fixed + random {
            let date = Date(timeIntervalSince1970: seconds)
            var writer = JSONWriter()
            writer.array { array in
                array.zuluTimestamp(date)
                array.naiveTimestamp(date)
                array.naiveTimestamp(nil)
            }
            let expected: JSON = [.string(Timestamp.zulu(date)), .string(Timestamp.naive(date)), nil]
            #expect(writer.bytes == expected.encodedBytes(), "\(seconds)")
        }
    }

    @Test("string maps and lists are written sorted and in order")
    func stringHelpers() {
        var writer = JSONWriter()
        writer.object { object in
            object.key("list")
            object.array(strings: ["b", "a", "\"q\""])
            object.key("map")
            object.object(strings: ["z": "1", "B": "2", "a": "\n"])
        }
        let expected: JSON = ["list": ["b", "a", "\"q\""], "map": ["z": "1", "B": "2", "a": "\n"]]
        #expect(writer.bytes == expected.encodedBytes())
    }

    @Test(
        "a string written as an escaped-once prefix and an ending is the string's own encoding",
        arguments: [("http://h/v2.1/p/servers/", "a1"), ("say \"hi\"\\", "\u{1}\ttab"), ("", ""), ("é/", "ünï\n")])
    func prefixedStrings(prefix: String, ending: String) {
        let written = JSONStringPrefix(prefix)
        var writer = JSONWriter()
        writer.array { array in
            array.string(written, ending)
            array.string(written, ending + "x")
        }
        #expect(writer.bytes == JSON.array([.string(prefix + ending), .string(prefix + ending + "x")]).encodedBytes())
    }

    #if DEBUG
        @Test("a key out of order stops a debug build")
        func refusesDisorder() async {
            await #expect(processExitsWith: .failure) {
                var writer = JSONWriter()
                writer.object { object in
                    object.key("name")
                    object.int(1)
                    object.key("id")
                    object.int(2)
                }
            }
        }
    #endif
}
