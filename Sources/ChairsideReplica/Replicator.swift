import ChairsideCore
import ChairsideStore
import Foundation
import Logging
import ServiceLifecycle

/// `chairside replicate`: ships the store's lines to the replica and pulls the other rooms',
/// keeping `replica/status.json` in the store for the console. Runs until SIGTERM/SIGINT (through
/// swift-service-lifecycle), or one pass with `once`. An outage of the database or the network is
/// waited out: it reconnects every second, rebuilds its watermark from the database and carries on.
public final class Replicator: Service, @unchecked Sendable {
    public let settings: ReplicaSettings
    public let root: String
    public let storeID: String
    let log: Logger
    let shipper: Shipper
    let puller: RoomPuller
    var status: ReplicaStatus?
    /// How often the store's journals are polled (size and mtime) when nothing is notified.
    public var pollInterval: Duration = .milliseconds(250)

    public init(settings: ReplicaSettings, root: String, storeID: String, log: Logger) {
        self.settings = settings
        self.root = root
        self.storeID = storeID
        self.log = log
        shipper = Shipper(root: root, storeID: storeID, log: log)
        puller = RoomPuller(root: root, storeID: storeID, log: log)
        status = ReplicaStatus.read(root: root)
    }

    /// Ships and pulls once. Returns the number of divergent lines found (0: all well).
    public func once() async throws -> Int {
        let db = try await connect()
        defer { Task { await db.close() } }
        try await cycle(db)
        await db.close()
        return shipper.divergent.count
    }

    public func run() async throws {
        var unreachableSince: Date?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let db = try await connect()
                if let since = unreachableSince {
                    log.info("replica reachable again (unreachable since \(Timestamp.format(since)))")
                    unreachableSince = nil
                }
                defer { Task { await db.close() } }
                try await cancelWhenGracefulShutdown {
                    while !Task.isCancelled {
                        try await self.cycle(db)
                        // LISTEN is a hint to pull early; the poll below runs regardless, so a lost
                        // notification only costs one interval.
                        try await db.listen(timeout: self.pollInterval)
                    }
                }
                await db.close()
                return
            } catch _ where Task.isCancelled || Task.isShuttingDownGracefully {
                return
            } catch let error as ReplicaError {
                switch error {
                case .unreachable, .server:
                    // The database is down, restarting or refusing for now: wait it out.
                    if unreachableSince == nil {
                        unreachableSince = Date()
                        log.warning("\(error.description)")
                    }
                    writeStatus(.unreachable, waiting: shipper.waitingCount(), since: unreachableSince!)
                default:
                    log.error("\(error.description)")
                    throw error
                }
            } catch {
                if unreachableSince == nil {
                    unreachableSince = Date()
                    log.warning(
                        "lost the replica at \(settings.displayURL) (\(ReplicaError.reason(error))); retrying every second"
                    )
                }
                writeStatus(.unreachable, waiting: shipper.waitingCount(), since: unreachableSince!)
            }
            if Task.isShuttingDownGracefully { return }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    func connect() async throws -> ReplicaDatabase {
        let db = try await ReplicaDatabase.connect(settings, logger: log)
        do {
            // A replicator killed a moment ago may still hold the lock until the server sees its
            // connection gone: wait a little before calling it another replicator.
            var locked = try await db.lockStore(storeID)
            let deadline = Date().addingTimeInterval(10)
            while !locked && Date() < deadline {
                try await Task.sleep(for: .milliseconds(200))
                locked = try await db.lockStore(storeID)
            }
            guard locked else {
                await db.close()
                throw ReplicaError.anotherReplicator(storeID: storeID)
            }
            try await shipper.resume(from: db)
        } catch let error as ReplicaError {
            throw error
        } catch {
            await db.close()
            throw db.failure(error)
        }
        return db
    }

    func cycle(_ db: ReplicaDatabase) async throws {
        do {
            let shipped = try await shipper.pass(db) { waiting in
                if waiting > 0 { self.writeStatus(.shipping, waiting: waiting, since: Date(), throttle: true) }
            }
            if shipped > 0 { log.info("shipped \(shipped) line\(shipped == 1 ? "" : "s")") }
            let pulled = try await puller.pass(db)
            if pulled > 0 { log.info("pulled \(pulled) line\(pulled == 1 ? "" : "s") of other rooms") }
        } catch let error as ReplicaError {
            throw error
        } catch {
            throw db.failure(error)
        }
        let divergent = shipper.divergent.count
        writeStatus(divergent > 0 ? .divergent : .upToDate, waiting: 0, since: Date())
    }

    /// Rewrites the status when the state changes, or to say it is still running (once a minute).
    func writeStatus(_ state: ReplicaStatus.State, waiting: Int, since: Date, throttle: Bool = false) {
        let now = Date()
        let divergent = shipper.divergent.count
        if let s = status, s.state == state, s.waiting == waiting, s.divergent == divergent,
            now.timeIntervalSince(s.checkedAt) < 60
        {
            return
        }
        if throttle, let s = status, s.state == state, now.timeIntervalSince(s.checkedAt) < 1 { return }
        let keepSince = status.map { $0.state == state } ?? false
        let next = ReplicaStatus(
            state: state, waiting: waiting, divergent: divergent,
            since: keepSince ? status!.since : since, checkedAt: now)
        do {
            try next.write(root: root)
            status = next
        } catch {
            log.error("could not write the replica status in the store: \(error)")
        }
    }
}
