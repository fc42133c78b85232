public import Logging

/// A swift-log handler that writes structured entries to the journal.
///
/// Every entry carries `MESSAGE`, `PRIORITY` (from the level), `SYSLOG_IDENTIFIER`,
/// `CODE_FILE`, `CODE_LINE`, `CODE_FUNC`, and one field per metadata key: dotted lower-case
/// keys become upper snake case (`calsync.account` → `CALSYNC_ACCOUNT`, `message_id` →
/// `MESSAGE_ID`). Leading underscores are dropped, since journald ignores client fields
/// that start with one.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let identifier: String
    let sink: any JournalSink

    public init(label: String, identifier: String, sink: any JournalSink = LibsystemdJournalSink()) {
        self.label = label
        self.identifier = identifier
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [(name: String, value: String)] = [
            ("MESSAGE", event.message.description),
            ("PRIORITY", String(Self.priority(of: event.level))),
            ("SYSLOG_IDENTIFIER", identifier),
            ("CODE_FILE", event.file),
            ("CODE_LINE", String(event.line)),
            ("CODE_FUNC", event.function),
        ]
        var merged = metadata
        if let extra = event.metadata {
            merged.merge(extra) { _, new in new }
        }
        for key in merged.keys.sorted() {
            guard let name = Self.fieldName(for: key), let value = merged[key] else { continue }
            fields.append((name, "\(value)"))
        }
        sink.send(fields)
    }

    /// syslog priorities (sd-daemon.h): 7 debug … 2 critical.
    public static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// A journal field name for a metadata key, or nil when nothing valid remains.
    public static func fieldName(for key: String) -> String? {
        var name = ""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "a"..."z": name.unicodeScalars.append(Unicode.Scalar(scalar.value - 32)!)
            case "A"..."Z", "0"..."9": name.unicodeScalars.append(scalar)
            default: name.append("_")
            }
        }
        while name.hasPrefix("_") { name.removeFirst() }
        guard let first = name.first, !first.isNumber else { return nil }
        return name
    }
}
