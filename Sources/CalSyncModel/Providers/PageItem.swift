/// What one item of a provider's page asks of the store. Every provider maps its wire
/// items to this; `Extra` is what only one provider has (Graph's occurrence stubs, whose
/// series master must be fetched); a provider without such items uses `Never`.
package enum PageItem<Extra: Equatable & Sendable>: Equatable, Sendable {
    /// A single event, a series master or an exception, to insert or replace.
    case upsert(CalendarEvent)
    /// The provider deleted this id: delete the row if we have it.
    case delete(String)
    /// Not readable as an event: set aside with this one-line reason.
    case quarantine(String)
    case extra(Extra)
}
