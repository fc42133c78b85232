// Expands N weekly series over a 3-year window with calsync's RecurrenceExpander (libical
// iterating the rules in each series' zone) and prints wall time, CPU time, instances and
// peak RSS. Issue 5's target: 10,000 series in under 1 s and under 100 MB (release build).
import CalSyncModel
import CalSyncRecurrence
import Foundation

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
let seriesCount = arguments.count > 1 ? Int(arguments[1]) ?? 10_000 : 10_000
let zones = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Tokyo", "UTC"]
let days = ["MO", "TU", "WE", "TH", "FR"]
let windowStart = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
let window = SyncWindow(start: windowStart, end: windowStart.addingTimeInterval(3 * 365 * 86_400))

let series: [CalendarEvent] = (0..<seriesCount).map { index in
    let start = windowStart.addingTimeInterval(Double(index % 700) * 3600 + Double(index % 13) * 86_400)
    return CalendarEvent(
        id: "series\(index)", kind: .series, summary: "Series \(index)", start: .instant(start),
        end: .instant(start.addingTimeInterval(1800)), timeZone: zones[index % zones.count],
        recurrence: ["RRULE:FREQ=WEEKLY;BYDAY=\(days[index % days.count])"])
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}

func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

let expander = RecurrenceExpander()
let cpuBefore = cpuSeconds()
let clock = ContinuousClock()
let started = clock.now
var instances = 0
for master in series {
    do {
        instances += try expander.occurrences(of: master, exceptions: [], window: window, calendarTimeZone: "UTC")
            .occurrences.count
    } catch {
        FileHandle.standardError.write(Data("series \(master.id): \(error)\n".utf8))
        exit(1)
    }
}
let elapsed = clock.now - started
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print(
    String(
        format: "%d weekly series over 3 years: %d instances in %.3f s wall, %.3f s CPU, peak RSS %.1f MiB",
        seriesCount, instances, seconds, cpuSeconds() - cpuBefore, peakRSSMiB()))
