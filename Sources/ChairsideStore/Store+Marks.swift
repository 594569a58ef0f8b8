import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Acknowledgement marks (`JournalMark`): written after every append, read by recovery.
extension Store {
    /// The mark beside a journal (absolute path), if there is one that reads. Anything else in its
    /// place (a FIFO, a folder, junk) counts as no mark: it is never waited on and never trusted.
    /// Such a file is named like any hostile file, and moved aside when repairing.
    func readMark(of journal: String) -> JournalMark? {
        let path = JournalMark.path(of: journal)
        do {
            return JournalMark(try files.readPrefix(path, count: JournalMark.length + 1).data)
        } catch .notAFile(_, let kind) {
            try? hostile(path, kind: kind)
            return nil
        } catch {
            return nil
        }
    }

    /// Records what an append that just returned acknowledged, opening and closing the mark. A mark
    /// that cannot be written costs evidence, never the append: the events are recorded already.
    func writeMark(_ mark: JournalMark, of journal: String) {
        let path = JournalMark.path(of: journal)
        guard let fd = try? files.openMark(path) else { return }
        defer { close(fd) }
        try? files.writeMark(fd, mark.encoded, path: path)
    }

    /// The same for a session's writer, which keeps its mark open across appends: `fd` is the open
    /// mark or -1; what comes back is the descriptor to keep (-1 when the mark could not be opened or
    /// written, so the next append tries afresh).
    func writeMark(_ mark: JournalMark, of journal: String, keeping fd: Int32) -> Int32 {
        let path = JournalMark.path(of: journal)
        let handle = fd >= 0 ? fd : ((try? files.openMark(path)) ?? -1)
        guard handle >= 0 else { return -1 }
        guard (try? files.writeMark(handle, mark.encoded, path: path)) != nil else {
            close(handle)
            return -1
        }
        return handle
    }

    /// A journal shorter than what the store acknowledged: lost from its end (the acknowledged
    /// last line is gone) or from inside it (that line is still there, intact, where it was).
    func missingLines(_ scan: JournalScan, path rel: String, kept: Int, recorded: Int, end: JournalMark?)
        -> RecoveryReport.Finding
    {
        guard let end, end.bytes == recorded, scan.endsAsMarked(end) else {
            return .linesMissing(path: rel, afterSeq: scan.lastSeq, bytes: kept, recordedBytes: recorded)
        }
        let gaps = scan.missingNumbers(upTo: end.seq).map { r in
            r.count == 1 ? "#\(r.lowerBound)" : "#\(r.lowerBound)–#\(r.upperBound)"
        }
        let named = gaps.count > 4 ? gaps.prefix(4).joined(separator: ", ") + " and more" : gaps.joined(separator: ", ")
        return .linesMissingInside(path: rel, seqs: named, bytes: kept, recordedBytes: recorded)
    }

    /// A journal that is gone while its mark says it held acknowledged lines (deleted whole): lines
    /// missing, standing until accepted. When repairing, the mark is then rewritten as the mark of an
    /// empty journal that keeps the highest number (so accepting ends the report, and a journal begun
    /// again there never reuses a lost number). True when that is what was found.
    @discardableResult
    func noteJournalGone(_ journal: String) -> Bool {
        guard files.kind(journal) == nil, let mark = readMark(of: journal), mark.bytes > 0 else { return false }
        let missing = RecoveryReport.Finding.nothingLeft(of: files.display(journal), recordedBytes: mark.bytes)
        report.add(missing)
        if checking { reported.insert(files.display(journal)) }
        guard repairing, access != .read else { return true }
        recordStanding(missing)
        writeMark(JournalMark(bytes: 0, seq: mark.seq, head: JournalLine.genesis), of: journal)
        return true
    }

    /// A journal moved aside whole (quarantined, or a hostile file in its place): its mark is emptied (it
    /// keeps the highest number) so it is not taken for a journal deleted. With acknowledged lines on
    /// record the move stands until accepted (`evidence`: where the journal went).
    func moveMarkAlong(of journal: String, journalMovedTo evidence: String?) {
        guard StoreJournals.isJournalPath(files.display(journal)), let mark = readMark(of: journal) else { return }
        writeMark(JournalMark(bytes: 0, seq: mark.seq, head: JournalLine.genesis), of: journal)
        if mark.bytes > 0, let evidence {
            recordStanding(
                .nothingLeft(of: files.display(journal), recordedBytes: mark.bytes),
                evidence: evidence)
        }
    }

    /// Whether the patient journal's last line no longer hashes to what its mark recorded. Reads the
    /// last 4 KiB only (a patient line is far shorter); a last line longer than that is left to `check`.
    func lastLineChanged(from mark: JournalMark) -> Bool {
        guard mark.bytes > 0, let tail = try? files.tail(patientJournal, length: mark.bytes, count: 4_096) else {
            return false
        }
        let body = tail.dropLast()
        guard let nl = body.lastIndex(of: 0x0A) else {
            return tail.count == mark.bytes && JournalLine.hash(tail) != mark.head
        }
        return JournalLine.hash(tail[(nl + 1)...]) != mark.head
    }
}
