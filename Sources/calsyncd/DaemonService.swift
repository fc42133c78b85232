import CalSyncCore
import CalSyncSystemd
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Wires the service mode: the scheduler, the watchdog, signals. No logic of its own.
enum DaemonService {
    static func run(
        sync: AccountSync, store: CalendarStore, configurationPath: String, locator: ConfigurationLocator,
        systemd: SystemdEnvironment, logger: Logger
    ) async throws {
        let notifier = SystemdNotifier(environment: systemd)
        let watchdogPeriod = systemd.watchdogMicroseconds.map { Duration.microseconds(Int64($0)) }
        // The loop stamps its heartbeat at a quarter of the watchdog period; a stamp older
        // than half the period means it is stuck.
        let heartbeatPeriod = watchdogPeriod.map { $0 / 4 } ?? .seconds(60)
        let scheduler = SyncScheduler(
            configuration: sync.configuration,
            makeSync: { configuration in sync.reconfigured(configuration) },
            reload: { try CalSyncConfiguration.load(path: configurationPath, locator: locator) },
            hooks: .init(
                ready: { line in notifier.notify(.ready, .status(line)) },
                status: { line in notifier.notify(.status(line)) },
                reloading: {
                    notifier.notify(.reloading(monotonicMicroseconds: SystemdNotifier.monotonicMicroseconds()))
                },
                stopping: { notifier.notify(.stopping) }),
            heartbeatPeriod: heartbeatPeriod, logger: logger)
        var services: [any Service] = [scheduler]
        if let watchdogPeriod {
            services.append(
                SystemdWatchdog(
                    notifier: notifier, period: watchdogPeriod,
                    isAlive: { ContinuousClock.now - scheduler.lastHeartbeat < watchdogPeriod / 2 }))
        }
        logger.info(
            "calsyncd started",
            metadata: ["calsync.store": "\(store.path)", "calsync.accounts": "\(sync.configuration.accounts.count)"])
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
