import Foundation

extension Duration {
    /// Milliseconds with three decimals, as the access log writes durations.
    public var millisecondsText: String {
        String(format: "%.3f", Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15)
    }
}
