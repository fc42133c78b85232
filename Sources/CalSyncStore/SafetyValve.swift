/// The safety valve of a full re-sync (docs/configuration.md, `max_delete_ratio`): a sweep that would delete
/// `maxDeleteRatio` or more of a non-empty calendar is held unless forced, since a
/// provider that suddenly lists nothing is likelier broken than a calendar emptied.
enum SafetyValve {
    enum Decision: Equatable {
        /// Delete what the re-sync did not see.
        case sweep
        /// Delete nothing; record the hold, which stays visible until resolved.
        case hold
    }

    static func decide(wouldDelete: Int, of total: Int, maxDeleteRatio: Double, force: Bool) -> Decision {
        guard wouldDelete > 0, total > 0, !force else { return .sweep }
        return Double(wouldDelete) / Double(total) >= maxDeleteRatio ? .hold : .sweep
    }
}
