/// A versioned domain object, as Nova's objects: a name, a VERSION, and a hook that downgrades
/// a value for a peer that only knows an older version.
public protocol VersionedObject: Sendable {
    static var objectName: String { get }
    /// `major.minor`; bump minor when a field is added, major when one changes meaning.
    static var objectVersion: String { get }
    /// This value as `version` knows it (drops fields added later).
    func compatible(with version: String) -> Self
}

extension VersionedObject {
    public func compatible(with version: String) -> Self { self }
}
