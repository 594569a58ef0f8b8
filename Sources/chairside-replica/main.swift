import ArgumentParser
import ChairsideCore
import ChairsideReplica
import ChairsideStore
import Foundation
import Logging
import ServiceLifecycle

/// The replicator (issue 18), a program of its own so the console never links the database
/// driver: `chairside replicate`, `chairside restore --from-replica` and
/// `chairside check --repair-from-replica` run it (it sits beside `chairside`).
@main
struct ChairsideReplicaTool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chairside-replica",
        abstract: "Ship the store to its PostgreSQL replica; restore or repair a store from it.",
        subcommands: [Replicate.self, Restore.self, Repair.self]
    )
}

struct ReplicaOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The store directory (default: $CHAIRSIDE_STORE, else $XDG_DATA_HOME/chairside).",
            valueName: "dir"))
    var store: String?

    @Option(name: .long, help: ArgumentHelp("The clinic config file, with [replica] url.", valueName: "file"))
    var config: String?

    var configPath: String { config ?? ConfigFile.defaultPath() }
    /// Absolute, so every message and every durable write names the same folder whatever the cwd.
    var storeRoot: String {
        let root = StoreLocation.resolve(store)
        return root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
    }

    func settings() throws -> ReplicaSettings {
        let config: ClinicConfig
        do {
            config = try ConfigFile.load(path: configPath)
        } catch {
            throw Failure("\(error)\nFix the config file (see README, Configuration) and start again.")
        }
        guard let replica = config.replica else {
            throw Failure(ReplicaError.notConfigured(configFile: configPath).description)
        }
        return replica
    }

    func logger() -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        return Logger(label: "chairside.replica")
    }
}

struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body`, turning a replica error into its message (which never holds the password).
func explained<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ReplicaError {
        throw Failure(error.description)
    } catch let error as StoreError {
        throw Failure("\(error)")
    }
}

struct Replicate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ship every journal line to the replica and pull the other rooms' records; runs until stopped.",
        discussion: """
            Keeps replica/status.json in the store for the console. A database outage is waited out \
            (it reconnects every second); nothing is lost. Stop it with SIGTERM or Ctrl-C.
            """)

    @OptionGroup var options: ReplicaOptions

    @Flag(help: "Ship what is there, pull once, and exit (1 if a line differs from the replica's copy).")
    var once = false

    func run() async throws {
        let settings = try options.settings()
        let root = options.storeRoot
        let store: Store
        do {
            store = try Store(
                root: root, timeZone: .current, today: ClinicDay(Date(), timeZone: .current), access: .read)
        } catch {
            throw Failure("Cannot open the store at \(root): \(error)")
        }
        guard let storeID = store.storeID else { throw Failure(ReplicaError.noStoreID(store: root).description) }
        let log = options.logger()
        let replicator = Replicator(settings: settings, root: root, storeID: storeID, log: log)
        if once {
            let divergent = try await explained { try await replicator.once() }
            if divergent > 0 {
                throw Failure(
                    "\(divergent) line\(divergent == 1 ? " differs" : "s differ") from the replica's copy (see the log above); "
                        + "the replica kept its copy. Run `chairside check --repair-from-replica`.")
            }
            return
        }
        log.info("replicating store \(storeID) to \(settings.displayURL)")
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: replicator)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: log))
        try await explained { try await group.run() }
    }
}

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild a store from the replica into a new, empty folder (byte-identical journals).")

    @OptionGroup var options: ReplicaOptions

    @Option(
        name: .customLong("store-id"),
        help: ArgumentHelp(
            "Which store to restore (needed when the replica holds several).",
            valueName: "id"))
    var storeID: String?

    @Flag(help: "List the stores the replica holds and exit.")
    var list = false

    func run() async throws {
        let settings = try options.settings()
        let log = options.logger()
        let db = try await explained { try await ReplicaDatabase.connect(settings, logger: log) }
        defer { Task { await db.close() } }
        let restorer = Restorer(db: db)
        if list {
            for id in try await db.storeIDs() { print(id) }
            return
        }
        let root = options.storeRoot
        let id = try await explained { try await restorer.chooseStore(storeID) }
        let start = Date()
        let outcome: Restorer.Outcome
        do {
            outcome = try await explained { try await restorer.restore(into: root, storeID: id) }
        } catch let error as Failure
            where error.description.contains("not a Chairside store") || error.description.contains(root)
        {
            throw Failure("\(error.description)\nRestore into a new, empty folder: it never mixes with another record.")
        }
        await db.close()
        // The store rebuilds its indexes from the journals, and checks every chain.
        let store = try Store(
            root: root, timeZone: .current, today: ClinicDay(Date(), timeZone: .current), access: .write)
        let report = try store.check()
        let seconds = Date().timeIntervalSince(start)
        print(
            "Restored store \(id) into \(root): \(outcome.journals) journals, \(outcome.lines) lines, "
                + String(format: "%.1f s.", seconds))
        for journal in outcome.incomplete {
            print(
                "! \(journal): the replica's copy stops where its chain breaks (a line never shipped); restored up to there."
            )
        }
        let damage = report.findings.filter(\.isDamage)
        for f in damage { print(f.text) }
        if !outcome.incomplete.isEmpty || !damage.isEmpty { throw ExitCode(1) }
        print("Check: no damage.")
    }
}

struct Repair: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put back damaged or altered lines from the replica where its copy fits the hash chain, then check.")

    @OptionGroup var options: ReplicaOptions

    func run() async throws {
        let settings = try options.settings()
        let root = options.storeRoot
        let store: Store
        do {
            store = try Store(
                root: root, timeZone: .current, today: ClinicDay(Date(), timeZone: .current), access: .write)
        } catch {
            throw Failure("Cannot open the store at \(root): \(error)")
        }
        guard let storeID = store.storeID else { throw Failure(ReplicaError.noStoreID(store: root).description) }
        let log = options.logger()
        let db = try await explained { try await ReplicaDatabase.connect(settings, logger: log) }
        defer { Task { await db.close() } }
        let outcome = try await explained { try await Repairer(db: db).repair(store, storeID: storeID) }
        await db.close()
        for p in outcome.restored {
            print(
                "Restored \(p.journal) line \(p.line) (event #\(p.seq)) from the replica; the journal as it was is in quarantine/."
            )
        }
        for p in outcome.notRestored {
            print(
                "! \(p.journal) line \(p.line) (event #\(p.seq)): the replica has no copy that fits the chain; left in place."
            )
        }
        for p in outcome.diverging {
            print(
                "! \(p.journal) line \(p.line) (event #\(p.seq)) diverges from the replica; kept: it is intact here, "
                    + "so another copy of this store (same store ID) wrote a different entry. Resolve by keeping one "
                    + "copy: restore the replica into a new folder (`chairside restore --from-replica --store NEW`), "
                    + "compare, and enter the missing entry again in the copy you keep.")
        }
        for j in outcome.busy { print("! \(j) is open in a console: close it there and run this again.") }
        let report = try store.check()
        let damage = report.findings.filter(\.isDamage)
        for f in damage { print(f.text) }
        print(
            outcome.restored.isEmpty
                ? "Nothing needed putting back."
                : "Put back \(outcome.restored.count) line\(outcome.restored.count == 1 ? "" : "s").")
        if !damage.isEmpty || !outcome.notRestored.isEmpty || !outcome.busy.isEmpty || !outcome.diverging.isEmpty {
            if damage.isEmpty { print("Check: no damage.") }
            throw ExitCode(1)
        }
        print("Check: no damage.")
    }
}
