/// The start of JSON strings that a view writes many times with different endings (the URL before a page's
/// server ids in their links): escaped once, then copied.
public struct JSONStringPrefix: Sendable {
    let escaped: [UInt8]

    public init(_ text: String) {
        var escaped: [UInt8] = []
        JSON.write(stringContents: text, into: &escaped)
        self.escaped = escaped
    }
}
