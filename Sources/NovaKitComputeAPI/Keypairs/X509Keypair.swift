import Crypto
import Foundation
import SwiftASN1
import X509

/// An x509 keypair Nova generates before 2.92: a self-signed client certificate for the user (the
/// "public key") and its private key, both PEM.
enum X509Keypair {
    static func generate(commonName: String, now: Date = Date()) throws -> (certificate: String, privateKey: String) {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(commonName) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey), notValidBefore: now,
            notValidAfter: now.addingTimeInterval(10 * 365 * 24 * 3600), issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { try ExtendedKeyUsage([.clientAuth]) }, issuerPrivateKey: .init(key))
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return (PEMDocument(type: "CERTIFICATE", derBytes: serializer.serializedBytes).pemString, key.pemRepresentation)
    }
}
