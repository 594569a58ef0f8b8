import ArgumentParser
import ChairsideCore
import ChairsideStore
import Foundation

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify the whole store; repair, quarantine and report. Exits 1 on damage.",
        discussion: """
            Re-reads every journal, verifies every line's check and hash chain and every day's anchor, \
            cuts unfinished (never acknowledged) last lines, moves aside anything that is not a file \
            where a store file belongs, and rebuilds indexes. Damaged lines stay in place and are \
            named by file and event number. A day whose anchor no longer matches, or a journal shorter \
            than the store recorded, stays reported (evidence kept) until --accept records that someone \
            looked at it. Progress goes to standard error. Journals unchanged (length, \
            last lines and chain head) since the last check are not read again; --full reads everything, \
            decoding on every core.
            """)

    @OptionGroup var options: StoreOptions

    @Flag(
        name: .customLong("repair-from-replica"),
        help: "Put back damaged or altered lines from the PostgreSQL replica where they fit the hash chain.")
    var repairFromReplica = false

    @Flag(help: "Read every journal again, ignoring what earlier checks verified.")
    var full = false

    @Option(
        help: ArgumentHelp(
            "Record that someone looked at the standing damage of a day (its anchor no longer matches, lines "
                + "missing from its journals), of the patient journal or of the lot register; check then stops "
                + "reporting it.",
            valueName: "YYYY-MM-DD|patients|lots"))
    var accept: String?

    func validate() throws {
        if let accept, accept != "patients", accept != "lots", ClinicDay(string: accept) == nil {
            throw ValidationError(
                "--accept takes a day (YYYY-MM-DD) or the word patients or lots, not '\(accept)'.")
        }
    }

    func run() throws {
        if repairFromReplica { try ReplicaProgram.exec(["repair"] + ReplicaProgram.storeArguments(options)) }
        let store = try options.openStore(access: .write)
        if let accept {
            let count = try store.acceptStandingFindings(accept)
            print(
                count == 0
                    ? "Nothing standing to accept for \(accept)."
                    : "Accepted \(count) standing finding\(count == 1 ? "" : "s") for \(accept); the record keeps "
                        + "them, with the time, in standing-findings.json.")
        }
        let opening = store.report
        let meter = CheckMeter()
        let report = try store.check(full: full, progress: meter.show)
        meter.finish()
        var merged = opening
        // What opening only saw from its size, the check itself has read: its findings say what it is.
        merged.findings.removeAll { if case .notReadWhenListing = $0 { true } else { false } }
        for f in report.findings { merged.add(f) }
        let findings = merged.findings
        for f in findings { print(f.text) }
        let (days, sessions) = store.lastCheckCounts
        let damage = findings.filter(\.isDamage).count
        let old = findings.filter { if case .predatesChain = $0 { true } else { false } }.count
        print(
            "Checked \(store.root): \(days) day\(days == 1 ? "" : "s"), \(sessions) session\(sessions == 1 ? "" : "s"), "
                + "\(store.directory.count) patients"
                + (old > 0 ? "; \(old) journal\(old == 1 ? "" : "s") predate the hash chain" : "") + ".")
        if damage > 0 {
            print(
                "Damage found (\(damage) finding\(damage == 1 ? "" : "s")): damaged lines are kept in place, "
                    + "anything moved aside is in quarantine/ with a report beside it.")
            throw ExitCode(1)
        }
        print("No damage.")
    }
}

/// `check`'s progress on standard error: a bar redrawn in place on a terminal, a plain line each
/// tenth of the way otherwise (a log, a pipe).
final class CheckMeter {
    private let isTerminal = isatty(2) == 1
    private var lastTenth = -1
    private var drawn = false

    func show(_ p: Store.CheckProgress) {
        guard p.total > 0 else { return }
        if isTerminal {
            let width = 30
            let filled = p.checked * width / p.total
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            write("\r[\(bar)] \(p.checked) of \(p.total) files checked")
            drawn = true
        } else {
            let tenth = p.checked * 10 / p.total
            guard tenth != lastTenth else { return }
            lastTenth = tenth
            write("checked \(p.checked) of \(p.total) files\n")
        }
    }

    func finish() {
        if drawn { write("\n") }
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}
