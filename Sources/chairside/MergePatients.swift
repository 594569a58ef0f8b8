import ArgumentParser
import ChairsideCore
import ChairsideStore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `chairside merge-patients KEEP OTHER`: two records of the same person (two rooms registered them)
/// become one patient. Recorded as a line in this room's patient journal; nothing is deleted.
struct MergePatients: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-patients",
        abstract: "Join two records of the same person: OTHER's sessions show under KEEP (undo: unmerge-patient).",
        discussion: """
            KEEP and OTHER are record IDs or chart numbers, in this room or in a room pulled from the replica. \
            The merge is recorded in this room's patient journal (and replicated); both records stay. \
            Without --yes it shows both records and asks.
            """)

    @OptionGroup var options: StoreOptions

    @Argument(help: "The record to keep: its ID or chart number.")
    var keep: String

    @Argument(help: "The record that joins it: its ID or chart number.")
    var other: String

    @Flag(help: "Merge without asking.")
    var yes = false

    func run() throws {
        let store = try options.openStore(access: .write)
        let view = store.clinicView()
        // Refusals (unknown, already merged, the same record) come before anything is shown or asked.
        _ = try view.patients.merge(keep: keep, other: other, at: Date())
        let k = try view.patients.resolve(keep)
        let o = try view.patients.resolve(other)
        print("Merge these two records of one person:")
        print(try MergeSummary.line("keep ", k, view: view, timeZone: options.timeZone))
        print(try MergeSummary.line("merge", o, view: view, timeZone: options.timeZone))
        if CompactDirectory.fold(k.patient.name) != CompactDirectory.fold(o.patient.name)
            || (k.patient.dateOfBirth != nil && o.patient.dateOfBirth != nil
                && k.patient.dateOfBirth != o.patient.dateOfBirth)
        {
            print("Check first: the names or dates of birth differ. Merge only records of the same person.")
        }
        print("The second record's sessions will show under the first; undo with:")
        print("  chairside unmerge-patient \(o.patient.id)")
        guard yes || MergeSummary.confirm("Merge them?") else {
            throw Failure("Nothing was recorded. Run again with --yes to merge.")
        }
        try store.mergePatients(keep: keep, other: other, at: Date())
        print("Merged: record \(o.patient.id) is now part of \(k.patient.id).")
    }
}

/// `chairside unmerge-patient OTHER`: a merged record becomes a patient of its own again.
struct UnmergePatient: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unmerge-patient",
        abstract:
            "Undo a merge: the record becomes a patient of its own again (recorded; the merge stays in the journal).")

    @OptionGroup var options: StoreOptions

    @Argument(help: "The merged record: its ID or chart number.")
    var other: String

    @Flag(help: "Undo without asking.")
    var yes = false

    func run() throws {
        let store = try options.openStore(access: .write)
        let view = store.clinicView()
        _ = try view.patients.unmerge(other, at: Date())
        let o = try view.patients.resolve(other)
        print("Take this record out of the patient it was merged into (\(o.patient.mergedInto ?? "")):")
        print(try MergeSummary.line("     ", o, view: view, timeZone: options.timeZone))
        guard yes || MergeSummary.confirm("Undo the merge?") else {
            throw Failure("Nothing was recorded. Run again with --yes to undo the merge.")
        }
        try store.unmergePatient(other, at: Date())
        print("Un-merged: record \(o.patient.id) is a patient of its own again.")
    }
}

enum MergeSummary {
    static func line(_ label: String, _ r: ClinicPatients.Record, view: ClinicView, timeZone: TimeZone) throws
        -> String
    {
        let p = r.patient
        let room = r.room.map { "room \($0.prefix(8))" } ?? "this room"
        let own = try view.sessions(of: p.id).filter { $0.patientID == p.id }
        let last = own.last.map { ", last \(ClinicDay($0.startedAt, timeZone: timeZone))" } ?? ""
        let born = p.dateOfBirth.map { "born \($0)" } ?? "no date of birth"
        return "  \(label)  \(p.id)  chart \(Visible.text(p.chartNumber))  \(Visible.text(p.name))  \(born)  "
            + "\(room)  \(own.count) session\(own.count == 1 ? "" : "s")\(last)"
    }

    /// Asks on the terminal; anything but "y"/"yes" (or no terminal to ask on) is no.
    static func confirm(_ question: String) -> Bool {
        guard isatty(0) == 1 else { return false }
        print("\(question) [y/N] ", terminator: "")
        fflush(nil)
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return answer == "y" || answer == "yes"
    }
}
