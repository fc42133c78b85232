import CalSyncAuth
import CalSyncEngine
import CalSyncModel
import CalSyncProviders
import CalSyncStore
import CalSyncSystemd
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Wires the service mode: the scheduler, the control socket, the watchdog, signals. No
/// logic of its own.
enum DaemonService {
    static func run(
        sync: AccountSync, store: CalendarStore, configurationPath: String, locator: ConfigurationLocator,
        notifier: SystemdNotifier,
        systemd: SystemdEnvironment, debugCommands: Bool, logger: Logger
    ) async throws {
        let watchdogPeriod = systemd.watchdogMicroseconds.map { Duration.microseconds(Int64($0)) }
        // The loop goes round at least every quarter of the watchdog period; a stamp older
        // than half the period means it is stuck, and the pings stop.
        let clock = SchedulerClock.system
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
            heartbeatPeriod: watchdogPeriod.map { $0 / 4 }, clock: clock, random: { Double.random(in: 0..<1) },
            calendar: .autoupdatingCurrent, logger: logger)

        // The outbox's pusher sends written events with the configuration in force, and asks
        // for a poll of a calendar it wrote to (read your writes, then the provider's view).
        let pusher = OutboxPusher(
            store: store, watcher: try? StoreChangeWatcher(path: sync.configuration.store.path),
            sync: { sync.reconfigured(scheduler.configuration) },
            onWritten: { account, calendar in
                Task {
                    _ = try? await scheduler.pollNow(
                        account: account, options: .init(calendar: calendar), wait: false)
                }
            }, logger: logger)

        // Before READY: once systemd says the service is up, `calsyncctl sync` works.
        let handler = ControlRequestHandler(
            scheduler: scheduler, pusher: pusher, storePath: sync.configuration.store.path,
            debugCommands: debugCommands)
        let controlPath = locator.controlSocketPath(configurationPath: configurationPath)
        var control: ControlServer?
        do {
            control = try ControlServer(
                path: controlPath, logger: logger,
                limits: .init(heartbeatPeriod: watchdogPeriod.map { $0 / 4 })
            ) { request, peer in await handler.handle(request, from: peer) }
        } catch {
            logger.error(
                "No control socket: calsyncctl sync cannot reach this daemon; polls still run on schedule",
                metadata: ["calsync.error": "\(error.message)"])
        }
        defer { control?.stop() }

        var services: [any Service] = [scheduler, pusher]
        if let watchdogPeriod {
            // Both loops must be alive: a dead control loop leaves `calsyncctl sync --wait` hanging.
            let server = control
            services.append(
                SystemdWatchdog(
                    notifier: notifier, period: watchdogPeriod,
                    isAlive: {
                        let now = clock.now()
                        return now - scheduler.lastHeartbeat < watchdogPeriod / 2
                            && server.map { now - $0.lastHeartbeat < watchdogPeriod / 2 } ?? true
                    }))
        }
        logger.info(
            "calsyncd started",
            metadata: [
                "calsync.accounts": "\(sync.configuration.accounts.count)",
                "calsync.control_socket": "\(control?.path ?? "none")",
            ])
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
