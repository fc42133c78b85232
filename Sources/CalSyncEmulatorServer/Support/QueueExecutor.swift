import Dispatch

/// A serial executor on its own dispatch queue (and so its own thread), for an actor whose
/// work is long and CPU-bound: it then never occupies Swift's cooperative pool, which has
/// only as many threads as the machine has cores.
package final class QueueExecutor: SerialExecutor, @unchecked Sendable {
    private let queue: DispatchQueue

    package init(label: String) {
        // A serial queue is overcommitting: it gets a thread even when all are busy.
        queue = DispatchQueue(label: label)
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }

    package func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}
