/// A calendar as a provider lists it, mapped to the store's `calendars` columns.
public struct RemoteCalendar: Hashable, Sendable {
    public enum Access: String, Sendable, Codable { case owner, writer, reader, freebusy }

    /// The provider's calendar id (`primary` already resolved to the real id).
    public var id: String
    public var name: String
    public var description: String?
    /// IANA zone; nil when the provider gives none.
    public var timeZone: String?
    /// `#rrggbb` or nil.
    public var color: String?
    public var access: Access
    public var isPrimary: Bool
    /// Google etag / Graph changeKey of the calendar entry, to diff lists cheaply.
    public var etag: String?

    public init(
        id: String, name: String, description: String? = nil, timeZone: String? = nil, color: String? = nil,
        access: Access = .reader, isPrimary: Bool = false, etag: String? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.timeZone = timeZone
        self.color = color
        self.access = access
        self.isPrimary = isPrimary
        self.etag = etag
    }
}
