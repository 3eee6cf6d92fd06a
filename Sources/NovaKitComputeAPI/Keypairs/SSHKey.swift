import Crypto
import Foundation
import NovaKitCore
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// OpenSSH key material: generation (ed25519 via swift-crypto), parsing and Nova's fingerprints.
enum SSHKey {
    /// A new ed25519 pair: (public key line, private key in OpenSSH's `openssh-key-v1` format).
    static func generate(comment: String) -> (publicKey: String, privateKey: String) {
        let key = Curve25519.Signing.PrivateKey()
        let publicBytes = key.publicKey.rawRepresentation
        let blob = string("ssh-ed25519") + string(publicBytes)
        let check = UInt32.random(in: .min ... .max)
        var secret = uint32(check) + uint32(check) + blob + string(key.rawRepresentation + publicBytes) + string(Data(comment.utf8))
        var pad: UInt8 = 1
        while secret.count % 8 != 0 {
            secret.append(pad)
            pad += 1
        }
        let body = Data("openssh-key-v1\0".utf8) + string("none") + string("none") + string(Data()) + uint32(1) + string(blob) + string(secret)
        let base64 = body.base64EncodedString()
        let lines = stride(from: 0, to: base64.count, by: 70).map { offset -> String in
            let start = base64.index(base64.startIndex, offsetBy: offset)
            return String(base64[start..<(base64.index(start, offsetBy: 70, limitedBy: base64.endIndex) ?? base64.endIndex)])
        }
        let privateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + lines.joined(separator: "\n") + "\n-----END OPENSSH PRIVATE KEY-----\n"
        return ("ssh-ed25519 \(blob.base64EncodedString()) \(comment)", privateKey)
    }

    /// The key blob of a public key line (`type base64 [comment]`), checked for its structure; `nil` if malformed.
    static func blob(of line: String) -> Data? {
        let parts = line.split(whereSeparator: \.isWhitespace)
        guard parts.count >= 2, let blob = Data(base64Encoded: String(parts[1])) else { return nil }
        var reader = Reader(blob)
        guard let type = reader.string().flatMap({ String(data: $0, encoding: .utf8) }), type == parts[0] else { return nil }
        let fields: Int
        switch type {
        case "ssh-ed25519":
            guard reader.string()?.count == 32 else { return nil }
            fields = 0
        case "ssh-rsa": fields = 2
        case "ssh-dss": fields = 4
        case "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521": fields = 2
        default: return nil
        }
        for _ in 0..<fields { guard let field = reader.string(), !field.isEmpty else { return nil } }
        return reader.atEnd ? blob : nil
    }

    /// Nova's fingerprint: colon-separated MD5 of the key blob.
    static func fingerprint(_ blob: Data) -> String {
        Hex.string(Insecure.MD5.hash(data: blob), separator: ":")
    }

    /// The DER of a PEM certificate (x509 keypairs), or `nil`.
    static func certificate(_ pem: String) -> Data? {
        let lines = pem.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.first == "-----BEGIN CERTIFICATE-----", lines.last == "-----END CERTIFICATE-----", lines.count > 2 else { return nil }
        return Data(base64Encoded: lines.dropFirst().dropLast().joined())
    }

    /// Colon-separated SHA-1 of a certificate's DER, as Nova fingerprints x509 keypairs.
    static func certificateFingerprint(_ der: Data) -> String {
        Hex.string(Insecure.SHA1.hash(data: der), separator: ":")
    }

    private static func uint32(_ value: UInt32) -> Data { withUnsafeBytes(of: value.bigEndian) { Data($0) } }
    private static func string(_ text: String) -> Data { string(Data(text.utf8)) }
    private static func string(_ data: Data) -> Data { uint32(UInt32(data.count)) + data }

    /// Reads SSH wire strings (`uint32` length + bytes).
    private struct Reader {
        let data: Data
        var offset = 0
        init(_ data: Data) { self.data = Data(data) }
        var atEnd: Bool { offset == data.count }

        mutating func string() -> Data? {
            guard offset + 4 <= data.count else { return nil }
            let length = data[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            guard length <= data.count - offset - 4 else { return nil }
            defer { offset += 4 + length }
            return data.subdata(in: offset + 4..<offset + 4 + length)
        }
    }
}
