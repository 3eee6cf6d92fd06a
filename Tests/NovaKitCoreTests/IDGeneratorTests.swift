import Foundation
import NovaKitCore
import Testing

@Suite("Random ids")
struct IDGeneratorTests {
    @Test("ids are lowercase version-4 UUIDs that Foundation reads back, and do not repeat")
    func versionFourUUIDs() throws {
        let ids = (0..<2000).map { _ in RandomIDGenerator().uuid() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let parsed = try #require(UUID(uuidString: id))
            #expect(parsed.uuidString.lowercased() == id)
            let bytes = parsed.uuid
            #expect(bytes.6 >> 4 == 4)
            #expect(bytes.8 >> 6 == 0b10)
        }
        // Every hex digit shows up in every free position across many ids (the bits are not stuck).
        for position in Array(0..<36) where ![8, 13, 14, 18, 19, 23].contains(position) {
            let digits = Set(ids.map { Array($0.utf8)[position] })
            #expect(digits.count == 16, "position \(position)")
        }
    }
}
