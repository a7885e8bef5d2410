import Foundation

extension Duration {
    /// The duration in seconds as a floating-point number.
    var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration for people, in seconds with two decimals: `4.05 s`.
    var secondsText: String {
        String(format: "%.2f s", inSeconds)
    }

    /// The duration as a `dna` command-line value, in whole milliseconds: `1500ms`.
    var flagText: String {
        "\(Int64((self / .milliseconds(1)).rounded()))ms"
    }
}
