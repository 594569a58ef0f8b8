import ChairsideCore
import Foundation

/// What can go wrong in the store, said so the technician knows what to do.
/// Messages name files by their place in the store, never patient data.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case io(operation: String, path: String, errno: Int32)
    case sessionLocked(String)
    case sessionNotFound(String)
    case invalidSessionID(String)
    case tooLarge(path: String, limit: Int)
    case corrupt(path: String, reason: String)
    case notAStoreDirectory(String)
    /// Something other than a regular file (FIFO, socket, device, folder, link) where a store file is expected.
    case notAFile(path: String, kind: String)
    /// An existing, non-empty folder that is not a Chairside store: refused, and left exactly as it was.
    case notAStore(String)
    /// Something is already where the user asked for an output file; nothing was overwritten.
    case outputExists(path: String, kind: String)
    /// No store at the path, for a command that only reads.
    case noStore(String)
    /// A store opened for reading was asked to record.
    case readOnly
    /// The disk failed to sync a session's journal. The session was reopened and read back from
    /// disk (`reloaded`), or could not be (then it must be reopened from Today).
    case syncFailed(path: String, errno: Int32, reloaded: Bool)
    /// The console no longer holds the session (its journal was closed after a disk error).
    case sessionNotHeld(String)

    /// A failed fsync: after one, the file's state on disk is unknown until it is read back.
    public var isSyncFailure: Bool {
        if case .io("sync", _, _) = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .io(let op, let path, let code):
            let reason = String(cString: strerror(code))
            switch code {
            case ENOSPC: return "The disk is full (\(op) \(path)): nothing was recorded. Free some space and try again."
            case EACCES, EPERM: return "No permission to \(op) \(path): \(reason). Check the store directory's owner."
            case EROFS: return "The disk is read-only (\(op) \(path)): nothing was recorded."
            case ELOOP:
                return
                    "\(path) is a symbolic link, and the store never follows links. Move it out of the store; nothing was read or recorded."
            default: return "Could not \(op) \(path): \(reason). Nothing was recorded; try again."
            }
        case .sessionLocked(let id): return "Session \(id) is open on another console; close it there first."
        case .sessionNotFound(let id):
            return "No session \(id) in this store. `chairside today` lists the day's sessions."
        case .invalidSessionID(let id):
            return "\(Visible.text(id)) is not a session ID; IDs look like 20261121-093000-ab12."
        case .tooLarge(let path, let limit):
            return
                "\(path) is larger than \(limit / 1_048_576) MiB and was not read; `chairside check` will move it aside."
        case .corrupt(let path, let reason):
            return "\(path) is damaged (\(reason)); run `chairside check` to move it aside."
        case .notAStoreDirectory(let path): return "\(path) exists and is not a directory; choose another --store."
        case .outputExists(let path, let kind):
            return
                "\(path) already exists (\(kind)); nothing was overwritten. Name a new file, or move that one away first."
        case .notAFile(let path, let kind):
            return "\(path) is a \(kind), not a file, and was not read; `chairside check` will move it aside."
        case .notAStore(let path):
            return "\(path) is not a Chairside store — give an empty or new folder (nothing in it was changed)."
        case .noStore(let path):
            return "There is no Chairside store at \(path). Give --store the store's folder; `chairside` (the console) "
                + "or `chairside demo` creates a new one."
        case .readOnly: return "The store was opened for reading only; nothing was recorded."
        case .sessionNotHeld(let id):
            return
                "Session \(id) is no longer held by this console after a disk error; leave it and reopen it from Today."
        case .syncFailed(let path, let code, let reloaded):
            // The first words say what happened, so a one-line status shows what matters.
            let reason = String(cString: strerror(code))
            return reloaded
                ? "Not saved: the disk failed (\(reason)); the session was reloaded from disk and shows only what is there. Check the disk, then try again. (\(path))"
                : "Not saved: the disk failed (\(reason)) and the session could not be read back. Leave it, reopen it from Today and check whether the last entry is there before entering it again. (\(path))"
        }
    }
}
