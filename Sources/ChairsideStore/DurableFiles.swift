import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The only code in Chairside that changes files. Every mutating operation goes
/// through here, so durability rules live in one place: files are created 0600,
/// directories 0700 (whatever the umask), data is fsynced before it counts, and
/// whole-file rewrites go temp file -> fsync -> rename -> fsync directory.
/// It is also the one place a test can count operations and inject faults.
public struct DurableFiles: Sendable {
    public static let fileMode: mode_t = 0o600
    public static let directoryMode: mode_t = 0o700

    /// Store-relative names for messages, so errors never print the user's home path or patient data.
    let root: String

    public init(root: String) { self.root = root }

    func display(_ path: String) -> String {
        !root.isEmpty && path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }

    func fail(_ op: String, _ path: String) -> StoreError {
        .io(operation: op, path: display(path), errno: errno)
    }

    /// Creates the directory (and parents inside the store) 0700 and syncs the parent, so the entry survives a crash.
    public func makeDirectory(_ path: String) throws(StoreError) {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw .notAStoreDirectory(display(path)) }
            if chmod(path, Self.directoryMode) != 0 { throw fail("set permissions on", path) }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if parent != path && !parent.isEmpty && !FileManager.default.fileExists(atPath: parent) {
            try makeDirectory(parent)
        }
        if mkdir(path, Self.directoryMode) != 0 && errno != EEXIST { throw fail("create directory", path) }
        if chmod(path, Self.directoryMode) != 0 { throw fail("set permissions on", path) }
        try syncDirectory(parent)
    }

    public func syncDirectory(_ path: String) throws(StoreError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw fail("open directory", path) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw fail("sync directory", path) }
    }

    /// Writes a whole file atomically and durably: a reader sees the old bytes or the new, never a mix.
    public func replace(_ path: String, with data: Data) throws(StoreError) {
        let dir = (path as NSString).deletingLastPathComponent
        let temp = dir + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())"
        unlink(temp) // a leftover from a crashed writer of the same pid is stale by definition
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, Self.fileMode)
        if fd < 0 { throw fail("create", temp) }
        var closed = false
        defer { if !closed { close(fd); unlink(temp) } }
        if fchmod(fd, Self.fileMode) != 0 { throw fail("set permissions on", temp) }
        try writeAll(fd, data, path: temp)
        if fsync(fd) != 0 { throw fail("sync", temp) }
        close(fd)
        closed = true
        if rename(temp, path) != 0 {
            let error = fail("rename", path)
            unlink(temp)
            throw error
        }
        try syncDirectory(dir)
    }

    /// Creates a new, empty journal (O_EXCL: never reuses a name) and makes its directory entry durable.
    public func createJournal(_ path: String) throws(StoreError) -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, Self.fileMode)
        if fd < 0 { throw fail("create", path) }
        if fchmod(fd, Self.fileMode) != 0 { let e = fail("set permissions on", path); close(fd); throw e }
        do throws(StoreError) {
            try syncDirectory((path as NSString).deletingLastPathComponent)
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    public func openJournal(_ path: String) throws(StoreError) -> Int32 {
        let fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC)
        if fd < 0 { throw fail("open", path) }
        if fchmod(fd, Self.fileMode) != 0 { let e = fail("set permissions on", path); close(fd); throw e }
        return fd
    }

    /// Appends bytes and fsyncs. On failure the file is cut back to `knownLength`, so a retry
    /// appends to a clean end. The caller shows nothing as recorded unless this returns.
    public func append(_ fd: Int32, _ data: Data, knownLength: Int, path: String) throws(StoreError) {
        do throws(StoreError) {
            try writeAll(fd, data, path: path)
            if fdatasync(fd) != 0 { throw fail("sync", path) }
        } catch {
            _ = ftruncate(fd, off_t(knownLength))
            _ = fdatasync(fd)
            throw error
        }
    }

    /// Cuts a journal back to its last good line during recovery.
    public func truncate(_ path: String, to length: Int) throws(StoreError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        if fd < 0 { throw fail("open", path) }
        defer { close(fd) }
        if ftruncate(fd, off_t(length)) != 0 { throw fail("truncate", path) }
        if fsync(fd) != 0 { throw fail("sync", path) }
    }

    /// Moves a file aside (into quarantine) durably: both directories are synced.
    public func move(_ from: String, to: String) throws(StoreError) {
        if rename(from, to) != 0 { throw fail("move", from) }
        try syncDirectory((to as NSString).deletingLastPathComponent)
        try syncDirectory((from as NSString).deletingLastPathComponent)
    }

    /// Copies a file (for quarantine evidence) durably, without touching the original.
    public func copy(_ from: String, to: String, limit: Int) throws(StoreError) {
        let data = try read(from, limit: limit)
        try replace(to, with: data)
    }

    public func read(_ path: String, limit: Int) throws(StoreError) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw fail("open", path) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw fail("inspect", path) }
        if Int(st.st_size) > limit { throw .tooLarge(path: display(path), limit: limit) }
        var data = Data(count: Int(st.st_size))
        var total = 0
        let size = data.count
        while total < size {
            let n = data.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + total, size - total) }
            if n < 0 { if errno == EINTR { continue }; throw fail("read", path) }
            if n == 0 { break }
            total += n
        }
        if total < size { data.removeSubrange(total...) }
        return data
    }

    public func size(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_size)
    }

    private func writeAll(_ fd: Int32, _ data: Data, path: String) throws(StoreError) {
        var offset = 0
        while offset < data.count {
            let n = data.withUnsafeBytes { write(fd, $0.baseAddress! + offset, data.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("write", path)
            }
            offset += n
        }
    }
}
