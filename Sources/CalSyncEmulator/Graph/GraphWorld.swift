/// Everything the Graph emulator knows (mailboxes, calendars, events, delta rounds).
/// Filled in by the Graph part of issue 3.
struct GraphWorld {}
