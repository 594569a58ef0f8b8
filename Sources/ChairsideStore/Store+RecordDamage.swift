import ChairsideCore
import Foundation

/// What the store knows of damage in the patient and lot journals, for the lists that show them
/// (issue 14, fifth round).
///
/// The lot journal is small and read whole every time the register is read, so its damage is what
/// that read found. The patient journal is not read at start: the directory's snapshot holds it up to
/// the snapshot's stamp, and only the lines after it are read (a tail that does not read clean sends
/// the store to a full read). So damage is known when a full read found it — in this process, or in
/// the last writer's full read or `check`, which keep it in `patients/damage.json` (derived: its
/// absence only means nothing was found) — plus the standing findings (lines missing from the end,
/// the journal moved aside). A line that rots in place before the snapshot's stamp after the last
/// full read is invisible to the start path until `check` reads the journal again.
struct PatientDamageFile: Codable, Equatable {
    /// The journal length the read covered.
    var journalBytes: Int
    var unreadable: [RecordDamage.UnreadableLine]
    var chainBreaks: [Int]
    /// Patients whose ID a damaged line's bytes still hold.
    var flagged: [String]
}

extension Store {
    var patientDamagePath: String { root + "/patients/damage.json" }

    /// The patient or lot journal's damage as this store knows it now (see above). Cheap after the
    /// first call: the patient side is kept in memory until a full read or the journal changes.
    public func journalDamage(_ journal: RecordDamage.Journal) -> RecordDamage {
        switch journal {
        case .lots: return (try? lotRegisterAndDamage().damage) ?? RecordDamage(journal: .lots)
        case .patients: return patientDamage()
        }
    }

    /// The register and what reading it found, from one read of the journal (as `lotRegister()`).
    public func lotRegisterAndDamage() throws(StoreError) -> (register: LotRegister, damage: RecordDamage) {
        var damage = RecordDamage(journal: .lots)
        if let kind = files.kind(lotJournal), kind != "file" {
            damage.notAFile = kind
            return (LotRegister(), damage)
        }
        noteJournalGone(lotJournal)
        let scan =
            (files.size(lotJournal) ?? 0) > 0
            ? try recoverJournal(lotJournal, decode: { decodeLots($0).unreadable }) : nil
        // What this read found about the journal's end, and what stands from earlier repairs (a repair
        // rewrites the mark, so only the standing finding remembers lines lost before it).
        for finding in report.findings + openStandingFindings() {
            damage.noteEnd(finding, path: Self.lotJournalPath)
        }
        guard let scan else { return (LotRegister(), damage) }
        let register = LotRegister(events: decodeLots(scan).events)
        damage.unreadable = scan.damaged.map { .init(line: $0.line, seqs: $0.seqText) }
        damage.chainBreaks = scan.chainBreaks
        var unidentified = false
        for line in scan.damaged {
            // The damaged line's bytes, in place: a lot it still names has a status that may be wrong.
            let bytes = scan.lineBytes(of: line)
            let named = register.all.filter { RecordDamage.namesLot($0.number, in: bytes) }
            if named.isEmpty { unidentified = true }  // damage in the lot number itself: could be any lot
            for lot in named { damage.flagged.insert(LotRegister.key(lot.number)) }
        }
        // A chain break: a line before it was edited, deleted or reordered; which lot it was about is unknown.
        if damage.missingAfterSeq != nil || damage.linesDeletedInside || unidentified || !scan.chainBreaks.isEmpty {
            // Which lot the lost or unreadable lines were about is unknown: a recall or a use-up may be among them, so
            // no lot's status is taken as known until someone reconciles and accepts (`check --accept lots`).
            damage.flagged = Set(register.all.map { LotRegister.key($0.number) })
        }
        return (register, damage)
    }

    private func patientDamage() -> RecordDamage {
        _ = directory  // opens the directory (and reads the journal whole if it must)
        var damage = RecordDamage(journal: .patients)
        let path = StoreJournals.patientJournal
        if patientState.damage == nil {
            // No full read in this process: what the last one recorded (read once).
            patientState.damage =
                readPatientDamageFile()
                ?? PatientDamageFile(journalBytes: 0, unreadable: [], chainBreaks: [], flagged: [])
        }
        if let known = patientState.damage {
            damage.unreadable = known.unreadable
            damage.chainBreaks = known.chainBreaks
            damage.flagged = Set(known.flagged)
        }
        for finding in report.findings { damage.noteEnd(finding, path: path) }
        for finding in openStandingFindings() { damage.noteEnd(finding, path: path) }
        return damage
    }

    private func readPatientDamageFile() -> PatientDamageFile? {
        guard files.kind(patientDamagePath) == "file",
            let data = try? files.read(patientDamagePath, limit: Self.maxDayIndexBytes),
            let file = try? decoder.decode(PatientDamageFile.self, from: data),
            // Written for this journal: it only grows, so a shorter one is another journal.
            file.journalBytes <= (files.size(patientJournal) ?? 0)
        else { return nil }
        return file
    }

    /// After a full read of the patient journal: what it found, kept in memory and, by a writer,
    /// in `patients/damage.json` for the next start (removed once a read finds nothing).
    func notePatientJournalRead(_ scan: JournalScan?, patients: [Patient]) {
        var file = PatientDamageFile(journalBytes: scan?.goodLength ?? 0, unreadable: [], chainBreaks: [], flagged: [])
        if let scan {
            file.unreadable = scan.damaged.map { .init(line: $0.line, seqs: $0.seqText) }
            file.chainBreaks = scan.chainBreaks
            let ids = Set(patients.map(\.id))
            var flagged = Set<String>()
            for line in scan.damaged {
                // The line's bytes as they are in place (a line over the longest one is junk: its first MiB).
                flagged.formUnion(RecordDamage.idsNamed(in: scan.lineBytes(of: line), among: ids.contains))
            }
            file.flagged = flagged.sorted()
        }
        patientState.damage = file
        guard access != .read else { return }
        // Lines missing from the end are not kept here: the standing finding records them until accepted.
        let clean = file.unreadable.isEmpty && file.chainBreaks.isEmpty
        if clean {
            if files.kind(patientDamagePath) != nil { try? files.remove(patientDamagePath) }
        } else if let data = try? encoder.encode(file) {
            try? files.replace(patientDamagePath, with: data)
        }
    }
}

extension RecoveryReport.Finding {
    /// The finding names this journal (store-relative).
    func isAbout(_ path: String) -> Bool {
        switch self {
        case .damagedLine(let p, _, _), .chainBroken(let p, _), .linesMissing(let p, _, _, _),
            .linesMissingInside(let p, _, _, _),
            .notAFile(let p, _, _), .damagedTailCut(let p, _, _, _), .acknowledgedTailCut(let p, _, _, _):
            p == path
        default: false
        }
    }
}

extension RecordDamage {
    /// Adds what a finding about the journal's end or the file itself says; damaged lines and chain
    /// breaks come from the read's own scan, which is current (the report keeps every earlier one).
    mutating func noteEnd(_ finding: RecoveryReport.Finding, path: String) {
        guard finding.isAbout(path) else { return }
        switch finding {
        case .linesMissing(_, let after, _, _): missingAfterSeq = min(missingAfterSeq ?? after, after)
        case .acknowledgedTailCut(_, _, let seq, _), .damagedTailCut(_, _, let seq, _):
            missingAfterSeq = min(missingAfterSeq ?? (seq - 1), seq - 1)
        case .notAFile(_, let kind, _): notAFile = kind
        case .linesMissingInside: linesDeletedInside = true
        default: break
        }
    }
}
