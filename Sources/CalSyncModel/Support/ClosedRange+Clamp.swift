extension ClosedRange {
    /// `value` moved into the range: numbers from the network and the configuration are
    /// clamped before they become durations, dates or counts.
    package func clamp(_ value: Bound) -> Bound {
        Swift.min(Swift.max(value, lowerBound), upperBound)
    }
}
