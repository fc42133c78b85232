import CalSyncEmulatorServer

/// Names the generators give events, shared so both providers' calendars read alike.
enum GeneratedNames {
    static let meetings = [
        "Standup", "Planning", "1:1", "Design review", "Lunch", "Dentist", "Release", "Retro", "Customer call",
        "Focus time", "Board meeting", "Interview", "Offsite", "Training", "Gym",
    ]
}
