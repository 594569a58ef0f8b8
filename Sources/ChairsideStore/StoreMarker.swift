import ChairsideCore
import Foundation

/// `chairside-store.json` at the store's root: `{"format":2,"storeID":"<UUID>"}`. It says the
/// folder is a Chairside store (so a command pointed at any other folder refuses it untouched)
/// and gives the store an ID that, with a journal's path and a line's number, names every line
/// for a replica.
///
/// A store from before the marker (format 1) is recognised by its layout (`isOldStore`): a folder
/// holding nothing but `days/`, `patients/`, `quarantine/`, `replica/` and `check-cache.txt` (and a
/// marker's or the cache's temporary file left by a crash), of which `days/` is a folder and
/// `patients/journal.jsonl` a regular file whose first line is an intact journal line (every old
/// store that recorded anything has both). It is adopted — given a marker — the first time it is
/// opened for writing. Anything else without a marker (a lone `patients/`, an empty `days/`) is
/// not a store.
struct StoreMarker: Codable, Equatable {
    static let fileName = "chairside-store.json"
    static let format = 2
    static let layout: Set<String> = [
        "days", "patients", "quarantine", "replica", "check-cache.txt", "standing-findings.json", "lots",
    ]

    var format: Int
    var storeID: String

    /// Checks what is at `root` and makes it a store when `access` allows: returns the store ID.
    /// Refuses a non-empty folder that is neither a store nor an old store, before changing anything.
    static func open(_ root: String, files: DurableFiles, access: StoreAccess, movedTo: inout String?)
        throws(StoreError) -> String?
    {
        let path = root + "/" + fileName
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: root, isDirectory: &isDir)
        if exists && !isDir.boolValue { throw .notAStoreDirectory(root) }
        let names = exists ? ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []) : []
        let leftovers = names.filter {
            $0.hasPrefix(".\(fileName).tmp-") || $0.hasPrefix(".check-cache.txt.tmp-")
                || $0.hasPrefix(".standing-findings.json.tmp-")
        }
        let others = Set(names).subtracting(leftovers)
        if others.contains(fileName) || files.kind(path) != nil {
            if let marker = read(path, files: files) {
                if access != .read { try files.makeDirectory(root) }
                return marker.storeID
            }
            // A damaged marker in a folder with the store's layout: the store is still recognised.
            guard others.subtracting([fileName]).isSubset(of: layout) else { throw .notAStore(root) }
            guard access != .read else { return nil }
            try files.makeDirectory(root)
            if let kind = files.kind(path), kind != "file" {
                // Not a file (a FIFO, a folder, a link): moved aside into quarantine, never read.
                try files.makeDirectory(root + "/quarantine")
                let stamp = Timestamp.format(Date()).replacingOccurrences(of: ":", with: "")
                try files.move(path, to: root + "/quarantine/\(stamp)-\(fileName)")
                movedTo = "quarantine/\(stamp)-\(fileName)"
            }
            return try write(path, files: files)
        }
        if !others.isEmpty && !isOldStore(root, names: others, files: files) { throw .notAStore(root) }
        if others.isEmpty && access == .write {
            throw .noStore(root)
        }
        if access == .read {
            guard exists && !others.isEmpty else { throw .noStore(root) }
            return nil  // an old store, read as it is
        }
        try files.makeDirectory(root)
        for name in leftovers { try? files.remove(root + "/" + name) }
        return try write(path, files: files)
    }

    /// The layout of a store from before the marker (see the type's comment). Reads at most the
    /// patient journal's first line, without following links or waiting on a FIFO.
    static func isOldStore(_ root: String, names: Set<String>, files: DurableFiles) -> Bool {
        guard names.isSubset(of: layout), files.kind(root + "/days") == "folder",
            files.kind(root + "/patients") == "folder"
        else { return false }
        let journal = root + "/patients/journal.jsonl"
        guard files.kind(journal) == "file",
            let head = try? files.readPrefix(journal, count: JournalLine.maxLength + 2).data,
            let newline = head.firstIndex(of: 0x0A)
        else { return false }
        return JournalLine.decode([UInt8](head[head.startIndex..<newline])[...]) != nil
    }

    private static func read(_ path: String, files: DurableFiles) -> StoreMarker? {
        guard let data = try? files.read(path, limit: 65_536) else { return nil }
        return try? JSONDecoder().decode(StoreMarker.self, from: data)
    }

    private static func write(_ path: String, files: DurableFiles) throws(StoreError) -> String {
        let marker = StoreMarker(format: format, storeID: UUID().uuidString.lowercased())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(marker)) ?? Data()
        try files.replace(path, with: data + Data("\n".utf8))
        return marker.storeID
    }
}
