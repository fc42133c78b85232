import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// The items of one calendarView delta round in id order, each rendered into bytes only
/// when a page holding it is served.
///
/// A full round of a 100,000-event mailbox holds about two million items. Rendered all
/// at once on the round's first request, their bytes took a gigabyte and most of ten
/// seconds, the first page's wait (mostly the kernel handing out zeroed pages); an item
/// kept as what it is made of (an occurrence of a series, or an event's resource) is a few
/// dozen bytes beside its id, and a page renders its own thousand (docs/benchmarks.md,
/// "The emulator's first page").
struct GraphRound {
    enum Content {
        /// An occurrence stub of the series whose writer is `stubs[series]`.
        case occurrence(series: Int, occurrence: GraphRecurrence.Occurrence)
        /// A single or an exception, by its resource.
        case event(JSONValue)
        /// Bytes rendered already (an increment's items, from the general path).
        case rendered([UInt8])
    }

    struct Item {
        let id: String
        let content: Content
    }

    let items: [Item]
    /// One writer per series master of the round.
    let stubs: [GraphOccurrenceStubWriter]
    let output: GraphEventResource.Output
    /// The calendar's zone, which a floating series' occurrences are read in.
    let floatingZone: TimeZone

    /// The bytes the item is listed with.
    func bytes(of item: Item) -> [UInt8] {
        switch item.content {
        case .occurrence(let series, let occurrence):
            stubs[series].stub(occurrence, id: item.id, floatingZone: floatingZone)
        case .event(let resource):
            GraphEventResource.deltaItemBytes(resource, in: output)
        case .rendered(let bytes):
            bytes
        }
    }
}
