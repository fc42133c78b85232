import CalSyncAuth
/// Durations in the configuration: a whole number and a unit, `90s`, `5m`, `2h`, `30d`,
/// or several of them together, largest first (`1h30m`).
import CalSyncModel
import CalSyncStore

public enum ConfigDuration {
    static let units: [(suffix: Character, seconds: Int64)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]

    /// The duration, or nil when `text` is not of that form.
    public static func parse(_ text: String) -> Duration? {
        var total: Int64 = 0
        var digits = ""
        var lastUnitIndex = -1
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if let unitIndex = units.firstIndex(where: { $0.suffix == character }) {
                guard let amount = Int64(digits), unitIndex > lastUnitIndex else { return nil }
                // Overflow is "not a duration", never a trap: `106751991167300d23h` overflowed
                // the sum and crashed check-config.
                let (product, overflow) = amount.multipliedReportingOverflow(by: units[unitIndex].seconds)
                guard !overflow else { return nil }
                let (sum, sumOverflow) = total.addingReportingOverflow(product)
                guard !sumOverflow else { return nil }
                total = sum
                digits = ""
                lastUnitIndex = unitIndex
            } else {
                return nil
            }
        }
        guard digits.isEmpty, lastUnitIndex >= 0 else { return nil }
        return .seconds(total)
    }

    /// The shortest text that parses back to `duration` (`300` seconds → `5m`).
    public static func format(_ duration: Duration) -> String {
        var remaining = duration.components.seconds
        guard remaining > 0 else { return "0s" }
        var text = ""
        for unit in units where remaining >= unit.seconds {
            text += "\(remaining / unit.seconds)\(unit.suffix)"
            remaining %= unit.seconds
        }
        return text
    }
}
