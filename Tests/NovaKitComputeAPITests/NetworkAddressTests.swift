import Testing

@testable import NovaKitComputeAPI

/// A server's stored addresses (`network<TAB>address<TAB>mac` lines) read back byte by byte: the same
/// addresses as splitting into lines and fields, for any text, and what was written for any addresses.
@Suite("Stored network addresses")
struct NetworkAddressTests {
    /// The reading by splitting: non-empty lines, those of exactly three fields.
    static func reference(_ text: String) -> [NetworkAddress] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return fields.count == 3 ? NetworkAddress(network: fields[0], address: fields[1], mac: fields[2]) : nil
        }
    }

    /// Pieces random texts are made of. No carriage return: before a line feed, splitting by `Character` sees one
    /// grapheme there, and the text this reads is written with plain line feeds.
    static let pieces = ["\t", "\n", "\n\n", "", "private", "10.0.0.3", "fe80::1", "fa:16:3e:00:00:01", "é", "雪", "🚀", " ", "a\u{301}"]

    @Test("any text reads as splitting it into lines and fields reads it")
    func sameAsSplitting() {
        var generator = SystemRandomNumberGenerator()
        var texts = [
            "", "\n", "\t\t", "a\tb\tc", "a\tb\tc\n", "\na\tb\tc\n\n", "a\tb", "a\tb\tc\td", "\t\t\n\t\t",
            "net\t10.0.0.3\tfa:16:3e:00:00:01\nx\ty\tz",
        ]
        for _ in 0..<2000 {
            texts.append((0..<Int.random(in: 0..<30, using: &generator)).map { _ in Self.pieces.randomElement(using: &generator)! }.joined())
        }
        for text in texts {
            #expect(NetworkAddress.parse(text) == Self.reference(text), "\(text.debugDescription)")
        }
        #expect(NetworkAddress.parse(nil) == [])
    }

    @Test("addresses written as text read back as they were")
    func roundTrip() {
        var generator = SystemRandomNumberGenerator()
        let fields = ["private", "public net", "10.0.0.3", "2001:db8::5", "fa:16:3e:00:00:01", "é雪🚀", "x"]
        for _ in 0..<500 {
            let addresses = (0..<Int.random(in: 0..<6, using: &generator)).map { _ in
                NetworkAddress(
                    network: fields.randomElement(using: &generator)!, address: fields.randomElement(using: &generator)!,
                    mac: fields.randomElement(using: &generator)!)
            }
            #expect(NetworkAddress.parse(NetworkAddress.text(of: addresses)) == addresses)
        }
    }
}
