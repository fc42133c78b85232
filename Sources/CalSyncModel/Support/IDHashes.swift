/// Two independent hashes of an id, for memory that must hold many long ids as a few
/// bytes each (Graph's ids run to a hundred bytes and more): the store's cache of listed
/// events and the Graph mailbox's masters keep these instead of the strings.
///
/// Hasher's seed is the process's own and random, so the hashes mean nothing outside the
/// process that made them; nothing keeps them longer.
package struct IDHashes: Hashable, Sendable {
    package let first: Int
    package let second: Int

    package init(_ id: String) {
        var first = Hasher()
        first.combine(0 as UInt8)
        first.combine(id)
        var second = Hasher()
        second.combine(1 as UInt8)
        second.combine(id)
        self.first = first.finalize()
        self.second = second.finalize()
    }
}
