import Foundation

/// The id order of a round's items, for a million of them.
///
/// `String <` on `(id, item)` pairs cost more than rendering the items: pairs are
/// retained and released at every move, and ids share long prefixes (`AAMkAGOc…` and the
/// base64 of the same day). Ids made of ASCII without NUL (all the emulator makes) are
/// ordered here by their first 40 bytes as five big-endian integers, then the rest byte
/// by byte, which is the order of `String <` for them; others take `String <`.
enum GraphRoundOrder {
    private struct Key {
        var head: (UInt64, UInt64, UInt64, UInt64, UInt64)
        var start: Int
        var count: Int
        var index: Int
    }

    static func sortByID(_ items: inout [GraphRound.Item]) {
        var text: [UInt8] = []
        var keys: [Key] = []
        keys.reserveCapacity(items.count)
        for index in items.indices {
            let id = items[index].id.utf8
            keys.append(Key(head: (0, 0, 0, 0, 0), start: text.count, count: id.count, index: index))
            text.append(contentsOf: id)
        }
        guard !text.contains(where: { $0 >= 0x80 || $0 == 0 }) else {
            items.sort { $0.id < $1.id }
            return
        }
        text.withUnsafeBufferPointer { text in
            for position in keys.indices {
                let key = keys[position]
                func word(_ number: Int) -> UInt64 {
                    var value: UInt64 = 0
                    for offset in number * 8..<number * 8 + 8 {
                        // Past the end counts as 0, below every byte an id has.
                        value = value << 8 | UInt64(offset < key.count ? text[key.start + offset] : 0)
                    }
                    return value
                }
                keys[position].head = (word(0), word(1), word(2), word(3), word(4))
            }
            keys.sort { left, right in
                if left.head != right.head { return left.head < right.head }
                guard left.count > 40, right.count > 40 else { return left.count < right.count }
                let common = memcmp(
                    text.baseAddress! + left.start + 40, text.baseAddress! + right.start + 40,
                    min(left.count, right.count) - 40)
                return common != 0 ? common < 0 : left.count < right.count
            }
        }
        // Put the items in that order by swapping along the permutation's cycles: no
        // copies of ids and bytes.
        var target = keys.map(\.index)  // target[i]: the item that belongs at i
        for start in items.indices where target[start] != start {
            var position = start
            while target[position] != start {
                let source = target[position]
                items.swapAt(position, source)
                target[position] = position
                position = source
            }
            target[position] = position
        }
    }
}
