import Crypto
import Foundation
import NovaKitCore

/// Bearer secrets handed to clients (identity tokens, console tokens): random bytes as URL-safe base64, kept
/// server-side only as their SHA-256.
public enum SecretToken {
    /// `bytes` random bytes from the system's secure generator, base64url without padding.
    public static func random(bytes: Int) -> String {
        let key = SymmetricKey(size: SymmetricKeySize(bitCount: bytes * 8))
        let data = key.withUnsafeBytes { Data($0) }
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The SHA-256 of `token`, hex: what is stored and looked up.
    public static func hash(_ token: String) -> String {
        Hex.string(SHA256.hash(data: Data(token.utf8)))
    }
}
