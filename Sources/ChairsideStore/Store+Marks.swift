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

    /// Records what an append that just returned acknowledged. `fd` is an open mark (kept by a
    /// session's writer), or -1 to open and close one here. A mark that cannot be written costs
    /// evidence, never the append: the events are recorded already, so nothing is thrown.
    @discardableResult
    func writeMark(_ mark: JournalMark, of journal: String, fd: Int32 = -1) -> Int32 {
        let path = JournalMark.path(of: journal)
        var handle = fd
        if handle < 0 { handle = (try? files.openMark(path)) ?? -1 }
        guard handle >= 0 else { return -1 }
        if (try? files.writeMark(handle, mark.encoded, path: path)) == nil {
            if fd < 0 { close(handle) }
            return -1
        }
        if fd < 0 { close(handle) }
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
}
