import ChairsideCore
import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `check-cache.txt` at the store's root (derived; delete it and the next `check` reads everything):
/// what the last `check` verified, so the next one decodes only what changed since.
///
///     chairside-check-cache 2
///     J LENGTH TAIL HEAD PATIENT STARTED STATUS days/2026-11-21/20261121-093000-ab12.jsonl
///     F LENGTH DIGEST days/2026-11-21/index.json          (also patients/journal.jsonl, directory.bin, refs)
///
/// A session journal is known by its length, the SHA-256 of all its bytes and its chain head (the
/// hash of its last line, which every line's `prev` chains to). A journal with the same length,
/// digest and head is byte for byte the journal that was verified, so every line's check and the
/// chain still hold; hashing is far cheaper than decoding and replaying. (Issue 16 hashed only the
/// last 4 KiB; damage in the middle then went unnamed, against issue 14's rule that every check
/// names every damaged line: see "Merging issues 14 and 16" in docs/DECISIONS.md.) Only journals
/// a check read without a finding are recorded. The reference it gives (patient, start, status) is
/// kept with it, so the patients' references can be checked without decoding any day index.
/// Other files are known by length and the SHA-256 of their whole content.
struct VerificationCache {
    struct Journal: Equatable {
        var length: Int
        var tail: String
        var head: String
        var patientID: String
        var ref: SessionRef
    }

    struct File: Equatable {
        var length: Int
        var digest: String
    }

    /// Keyed by store-relative path.
    var journals: [String: Journal] = [:]
    var files: [String: File] = [:]

    static let header = "chairside-check-cache 2"

    init() {}

    /// The cache as written by the last check; empty when missing or not readable (never an error:
    /// an empty cache only means everything is read again).
    init(contentsOf path: String) {
        guard let data = Self.regularFile(path) else { return }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).makeIterator()
        guard lines.next() == Substring(Self.header) else { return }
        while let line = lines.next() {
            let parts = line.split(separator: " ", maxSplits: 7, omittingEmptySubsequences: false)
            switch parts.first {
            case "J":
                guard parts.count == 8, let length = Int(parts[1]), let bits = UInt64(parts[5], radix: 16),
                    let status = SessionStatus(rawValue: String(parts[6]))
                else { continue }
                let path = String(parts[7])
                let id = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
                let ref = SessionRef(
                    sessionID: id, startedAt: Date(timeIntervalSinceReferenceDate: Double(bitPattern: bits)),
                    status: status)
                journals[path] = Journal(
                    length: length, tail: String(parts[2]), head: String(parts[3]), patientID: String(parts[4]),
                    ref: ref)
            case "F":
                let f = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                guard f.count == 4, let length = Int(f[1]) else { continue }
                files[String(f[3])] = File(length: length, digest: String(f[2]))
            default:
                continue
            }
        }
    }

    var text: String {
        var out = Self.header + "\n"
        for (path, j) in journals.sorted(by: { $0.key < $1.key }) {
            out +=
                "J \(j.length) \(j.tail) \(j.head) \(j.patientID) \(Self.bits(j.ref.startedAt)) "
                + "\(j.ref.status.rawValue) \(path)\n"
        }
        for (path, f) in files.sorted(by: { $0.key < $1.key }) { out += "F \(f.length) \(f.digest) \(path)\n" }
        return out
    }

    /// A date exactly, as the hex of its bits (parsing a timestamp string per journal would cost more).
    static func bits(_ date: Date) -> String { String(date.timeIntervalSinceReferenceDate.bitPattern, radix: 16) }

    // MARK: fingerprints

    /// Length and SHA-256 of a journal, and the hash of its last line (its chain head); nil when it
    /// cannot be read or is over the size the store reads.
    static func journal(_ path: String) -> (length: Int, digest: String, head: String?)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        let length = Int(st.st_size)
        guard (st.st_mode & S_IFMT) == S_IFREG, length <= Store.maxJournalBytes else { return nil }
        let count = length
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            done += n
        }
        var head: String?
        if let nl = buffer.dropLast().lastIndex(of: 0x0A) {
            head = JournalLine.hash(Data(buffer[(nl + 1)...]))
        } else if count == length {
            head = length == 0 ? JournalLine.genesis : JournalLine.hash(Data(buffer))
        }
        return (length, hex(SHA256.hash(data: buffer)), head)
    }

    /// The first `length` bytes of a file, fingerprinted like `whole`; nil when the file is shorter.
    static func prefix(of path: String, length: Int) -> File? {
        guard let data = regularFile(path), data.count >= length else { return nil }
        return File(length: length, digest: hex(SHA256.hash(data: data.prefix(length))))
    }

    /// Length and SHA-256 of a whole file; nil when it cannot be read.
    static func whole(_ path: String) -> File? {
        guard let data = regularFile(path) else { return nil }
        return File(length: data.count, digest: hex(SHA256.hash(data: data)))
    }

    /// A regular file's bytes; nil for anything else (a FIFO is never waited on, a link never followed).
    static func regularFile(_ path: String) -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: false).readDataToEndOfFile()
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
