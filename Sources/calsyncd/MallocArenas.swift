import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// glibc gives each thread that allocates under contention an arena of its own and keeps
/// what was freed in it: calsyncd's threads (the cooperative pool, curl's, SQLite's writer
/// queue) each held several MiB of a first sync's garbage, so the peak RSS of a
/// 100,000-event Google sync moved between 58 and 67 MiB with where the work happened to
/// run. Two arenas still let that peak move between 58 and 68 MiB from run to run; one
/// holds it at 58 MiB with the same CPU: calsyncd's writes are serial, and its other
/// threads allocate little (docs/benchmarks.md "Memory: malloc arenas", and the issue 19
/// set of 2026-12-07). `MALLOC_ARENA_MAX` in the environment wins, as everywhere else.
enum MallocArenas {
    static let maximum: Int32 = 1
    /// `M_ARENA_MAX` of `<malloc.h>`, which Swift's Glibc module does not import.
    static let arenaMaxParameter: Int32 = -8

    static func limit(environment: [String: String]) {
        #if canImport(Glibc)
        guard environment["MALLOC_ARENA_MAX"] == nil,
            let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt")
        else { return }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMaxParameter, maximum)
        #endif
    }
}
