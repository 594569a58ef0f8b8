import ArgumentParser
import ChairsideStore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The replica's commands run `chairside-replica`, a program of its own beside `chairside`, so the
/// console never links the database driver (docs/DECISIONS.md, issue 18). It is started with an
/// argument array (never through a shell) and replaces this process, so signals reach it directly.
enum ReplicaProgram {
    static let name = "chairside-replica"

    /// `chairside-replica` in the folder of the running `chairside`.
    static func path() -> String {
        let me =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return ((me as NSString).deletingLastPathComponent as NSString).appendingPathComponent(name)
    }

    static func exec(_ arguments: [String]) throws -> Never {
        let program = path()
        guard FileManager.default.isExecutableFile(atPath: program) else {
            throw Failure("\(program) is missing: install it beside chairside (README, Replica).")
        }
        let argv = [program] + arguments
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cArgs.append(nil)
        execv(program, cArgs)
        throw Failure("Could not start \(program): \(String(cString: strerror(errno))).")
    }

    static func storeArguments(_ options: StoreOptions) -> [String] {
        var out: [String] = []
        if let store = options.store { out += ["--store", store] }
        if let config = options.config { out += ["--config", config] }
        return out
    }
}

struct Replicate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ship the store to its PostgreSQL replica and pull the other rooms; runs until stopped.",
        discussion: "Configure [replica] url in config.toml; the password comes from a passfile (README, Replica).")

    @OptionGroup var options: StoreOptions

    @Flag(help: "Ship what is there, pull once, and exit.")
    var once = false

    func run() throws {
        try ReplicaProgram.exec(["replicate"] + ReplicaProgram.storeArguments(options) + (once ? ["--once"] : []))
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild a store from the replica into a new, empty folder (--from-replica --store NEWDIR).")

    @OptionGroup var options: StoreOptions

    @Flag(name: .customLong("from-replica"), help: "Restore from the PostgreSQL replica named in config.")
    var fromReplica = false

    @Option(
        name: .customLong("store-id"),
        help: ArgumentHelp("Which store (when the replica holds several).", valueName: "id"))
    var storeID: String?

    @Flag(help: "List the stores the replica holds.")
    var list = false

    func validate() throws {
        if !fromReplica { throw ValidationError("Say where to restore from: --from-replica.") }
        if options.store == nil && !list { throw ValidationError("Name the new, empty folder: --store NEWDIR.") }
    }

    func run() throws {
        try ReplicaProgram.exec(
            ["restore"] + ReplicaProgram.storeArguments(options)
                + (storeID.map { ["--store-id", $0] } ?? []) + (list ? ["--list"] : []))
    }
}
