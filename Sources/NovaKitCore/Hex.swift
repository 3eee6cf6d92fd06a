/// Lower-case hexadecimal text of bytes: digests (token hashes, checksums, `hostId`) and colon-separated
/// fingerprints and MAC addresses. Writes the digits straight into the string; `String(format: "%02x")` per byte
/// went through Foundation's formatter and a string per byte.
public enum Hex {
    /// Each byte as two digits, `separator` between bytes.
    public static func string(_ bytes: some Sequence<UInt8>, separator: Character? = nil) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 3)
        let separatorByte = separator?.asciiValue
        for byte in bytes {
            if let separatorByte, !text.isEmpty { text.append(separatorByte) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let digits = Array("0123456789abcdef".utf8)
}
