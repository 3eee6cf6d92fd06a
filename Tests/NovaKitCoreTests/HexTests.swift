import Foundation
import NovaKitCore
import Testing

@Suite("Hex")
struct HexTests {
    @Test("two lower-case digits a byte, with or without a separator, as Foundation's %02x writes them")
    func agreesWithFormat() {
        #expect(Hex.string([]) == "")
        #expect(Hex.string([0x00, 0x0f, 0xa0, 0xff], separator: ":") == "00:0f:a0:ff")
        var generator = SystemRandomNumberGenerator()
        for count in 0..<40 {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Hex.string(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
            #expect(Hex.string(bytes, separator: ":") == bytes.map { String(format: "%02x", $0) }.joined(separator: ":"))
        }
    }
}
