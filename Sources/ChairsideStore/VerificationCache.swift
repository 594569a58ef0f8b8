import ChairsideCore
import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `check-cache.txt` at the store's root (derived; delete it and the next `check` reads everything):
/// what the last `check` verified, so the next one decodes only what changed since.
///
///     chairside-check-cache 1
///     J LENGTH TAIL PATIENT STARTED STATUS days/2026-11-21/20261121-093000-ab12.jsonl
///     F LENGTH DIGEST days/2026-11-21/index.json          (also patients/journal.jsonl, directory.bin, refs)
///
/// A session journal is known by its length and the SHA-256 of its last 4 KiB (its last lines and
/// their checksums: the head of the chain); journals only grow, so a journal with the same length
/// and tail is the journal that was verified. The reference it gives (patient, start, status) is
/// kept with it, so the patients' references can be checked without decoding any day index.
/// Other files are known by length and the SHA-256 of their whole content.
struct VerificationCache {
    struct Journal: Equatable {
        var length: Int
        var tail: String
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

    static let header = "chairside-check-cache 1"
    static let tailBytes = 4096

    init() {}

    /// The cache as written by the last check; empty when missing or not readable (never an error:
    /// an empty cache only means everything is read again).
    init(contentsOf path: String) {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).makeIterator()
        guard lines.next() == Substring(Self.header) else { return }
        while let line = lines.next() {
            let parts = line.split(separator: " ", maxSplits: 6, omittingEmptySubsequences: false)
            switch parts.first {
            case "J":
                guard parts.count == 7, let length = Int(parts[1]), let bits = UInt64(parts[4], radix: 16),
                    let status = SessionStatus(rawValue: String(parts[5]))
                else { continue }
                let path = String(parts[6])
                let id = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
                let ref = SessionRef(
                    sessionID: id, startedAt: Date(timeIntervalSinceReferenceDate: Double(bitPattern: bits)),
                    status: status)
                journals[path] = Journal(length: length, tail: String(parts[2]), patientID: String(parts[3]), ref: ref)
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
                "J \(j.length) \(j.tail) \(j.patientID) \(Self.bits(j.ref.startedAt)) \(j.ref.status.rawValue) \(path)\n"
        }
        for (path, f) in files.sorted(by: { $0.key < $1.key }) { out += "F \(f.length) \(f.digest) \(path)\n" }
        return out
    }

    /// A date exactly, as the hex of its bits (parsing a timestamp string per journal would cost more).
    static func bits(_ date: Date) -> String { String(date.timeIntervalSinceReferenceDate.bitPattern, radix: 16) }

    // MARK: fingerprints

    /// Length and SHA-256 of the last `tailBytes` of a file; nil when it cannot be read.
    static func tail(of path: String) -> (length: Int, digest: String)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        let length = Int(st.st_size)
        let count = min(length, tailBytes)
        var buffer = [UInt8](repeating: 0, count: count)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(length - count)) }
        guard n == count else { return nil }
        return (length, hex(SHA256.hash(data: buffer)))
    }

    /// The first `length` bytes of a file, fingerprinted like `whole`; nil when the file is shorter.
    static func prefix(of path: String, length: Int) -> File? {
        guard let data = FileManager.default.contents(atPath: path), data.count >= length else { return nil }
        return File(length: length, digest: hex(SHA256.hash(data: data.prefix(length))))
    }

    /// Length and SHA-256 of a whole file; nil when it cannot be read.
    static func whole(_ path: String) -> File? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return File(length: data.count, digest: hex(SHA256.hash(data: data)))
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
