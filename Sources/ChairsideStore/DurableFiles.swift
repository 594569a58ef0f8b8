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
    /// Inside a store nothing follows a symbolic link: a link planted there cannot lead reads or
    /// writes out of it. Files outside any store (config, templates, themes) may be links.
    var noFollow: Int32 { root.isEmpty ? 0 : O_NOFOLLOW }

    public init(root: String) { self.root = root }

    func display(_ path: String) -> String {
        !root.isEmpty && path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }

    func fail(_ op: String, _ path: String) -> StoreError {
        .io(operation: op, path: display(path), errno: errno)
    }

    /// A crash point. In test builds the fault plan may end the process here or hand back an
    /// injected error; in release builds this is nothing.
    /// `path` is what a failure names; a rename also says what it moves where.
    @inline(__always)
    private func point(
        _ op: FileOperation, _ path: String, fd: Int32 = -1, pending: Data? = nil,
        renaming: (from: String, to: String)? = nil
    ) throws(StoreError) {
        #if DEBUG
            if let code = FaultPlan.shared.before(op, path, fd: fd, pending: pending, renaming: renaming) {
                errno = code
                throw fail(op.verb, path)
            }
        #endif
    }

    /// Tells the fault plan what an operation made durable or left pending (test builds).
    @inline(__always)
    private func done(_ op: FileOperation, _ path: String, fd: Int32 = -1, to: String = "") {
        #if DEBUG
            FaultPlan.shared.after(op, path, fd: fd, to: to)
        #endif
    }

    /// Creates the directory (and parents inside the store) 0700 and syncs the parent, so the entry survives a crash.
    public func makeDirectory(_ path: String) throws(StoreError) {
        if isLink(path) && path != root {
            errno = ELOOP
            throw fail("open", path)
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw .notAStoreDirectory(display(path)) }
            try point(.chmod, path)
            if chmod(path, Self.directoryMode) != 0 { throw fail("set permissions on", path) }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if parent != path && !parent.isEmpty && !FileManager.default.fileExists(atPath: parent) {
            try makeDirectory(parent)
        }
        try point(.mkdir, path)
        if mkdir(path, Self.directoryMode) != 0 && errno != EEXIST { throw fail("create directory", path) }
        done(.mkdir, path)
        try point(.chmod, path)
        if chmod(path, Self.directoryMode) != 0 { throw fail("set permissions on", path) }
        try syncDirectory(parent)
    }

    public func syncDirectory(_ path: String) throws(StoreError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw fail("open directory", path) }
        defer { close(fd) }
        try point(.dirsync, path, fd: fd)
        if fsync(fd) != 0 { throw fail("sync directory", path) }
        done(.dirsync, path, fd: fd)
    }

    /// Writes a whole file atomically and durably: a reader sees the old bytes or the new, never a mix.
    public func replace(_ path: String, with data: Data) throws(StoreError) {
        let dir = (path as NSString).deletingLastPathComponent
        let temp = dir + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())"
        if access(temp, F_OK) == 0 {
            // A leftover from a crashed writer of the same pid is stale by definition.
            try point(.unlink, temp)
            unlink(temp)
        }
        try point(.create, temp)
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, Self.fileMode)
        if fd < 0 { throw fail("create", temp) }
        done(.create, temp, fd: fd)
        var closed = false
        defer {
            if !closed {
                close(fd)
                unlink(temp)
            }
        }
        try point(.chmod, temp, fd: fd)
        if fchmod(fd, Self.fileMode) != 0 { throw fail("set permissions on", temp) }
        try writeAll(fd, data, path: temp)
        try point(.fsync, temp, fd: fd)
        if fsync(fd) != 0 { throw fail("sync", temp) }
        done(.fsync, temp, fd: fd)
        close(fd)
        closed = true
        try point(.rename, path, renaming: (temp, path))
        if rename(temp, path) != 0 {
            let error = fail("rename", path)
            unlink(temp)
            throw error
        }
        done(.rename, temp, to: path)
        try syncDirectory(dir)
    }

    /// Creates a new, empty journal (O_EXCL: never reuses a name) and makes its directory entry durable.
    public func createJournal(_ path: String) throws(StoreError) -> Int32 {
        try point(.create, path)
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, Self.fileMode)
        if fd < 0 { throw fail("create", path) }
        done(.create, path, fd: fd)
        do throws(StoreError) {
            try point(.chmod, path, fd: fd)
            if fchmod(fd, Self.fileMode) != 0 { throw fail("set permissions on", path) }
            try syncDirectory((path as NSString).deletingLastPathComponent)
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    public func openJournal(_ path: String) throws(StoreError) -> Int32 {
        let fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NONBLOCK | noFollow)
        if fd < 0 { throw fail("open", path) }
        do throws(StoreError) {
            try requireRegular(fd, path)
            try point(.chmod, path, fd: fd)
            if fchmod(fd, Self.fileMode) != 0 { throw fail("set permissions on", path) }
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// Opens a journal's acknowledgement mark (`JournalMark`) for overwriting in place, creating it
    /// if need be. Anything but a regular file in its place is `notAFile`.
    public func openMark(_ path: String) throws(StoreError) -> Int32 {
        let exists = kind(path) != nil
        if !exists { try point(.create, path) }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NONBLOCK | noFollow, Self.fileMode)
        if fd < 0 {
            if errno == ELOOP || errno == ENXIO, let kind = kind(path), kind != "file" {
                throw .notAFile(path: display(path), kind: kind)
            }
            throw fail("create", path)
        }
        if !exists { done(.create, path, fd: fd) }
        do throws(StoreError) {
            try requireRegular(fd, path)
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// Overwrites a mark from its first byte. Not synced, on purpose: see `JournalMark`.
    public func writeMark(_ fd: Int32, _ data: Data, path: String) throws(StoreError) {
        try point(.write, path, fd: fd, pending: data)
        let n = data.withUnsafeBytes { pwrite(fd, $0.baseAddress!, data.count, 0) }
        if n != data.count { throw fail("write", path) }
        done(.write, path, fd: fd)
    }

    /// Appends bytes and fsyncs. The caller shows nothing as recorded unless this returns.
    /// When a write fails (a full disk) the file is cut back to `knownLength`, so a retry appends
    /// to a clean end. When the sync fails, nothing here is trusted any more: the error says so
    /// (`StoreError.isSyncFailure`) and the caller must reopen the file and recover from disk,
    /// never retry on this descriptor and pretend.
    public func append(_ fd: Int32, _ data: Data, knownLength: Int, path: String) throws(StoreError) {
        do throws(StoreError) {
            try writeAll(fd, data, path: path)
        } catch {
            let failure = error
            try? point(.truncate, path, fd: fd)
            _ = ftruncate(fd, off_t(knownLength))
            try? point(.fdatasync, path, fd: fd)
            if fdatasync(fd) == 0 { done(.fdatasync, path, fd: fd) }
            throw failure
        }
        try point(.fdatasync, path, fd: fd)
        if fdatasync(fd) != 0 { throw fail("sync", path) }
        done(.fdatasync, path, fd: fd)
    }

    /// Cuts a journal back to its last good line during recovery.
    public func truncate(_ path: String, to length: Int) throws(StoreError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC | noFollow)
        if fd < 0 { throw fail("open", path) }
        defer { close(fd) }
        try point(.truncate, path, fd: fd)
        if ftruncate(fd, off_t(length)) != 0 { throw fail("truncate", path) }
        try point(.fsync, path, fd: fd)
        if fsync(fd) != 0 { throw fail("sync", path) }
        done(.fsync, path, fd: fd)
    }

    /// Removes a file and makes the removal durable (for stale temporary files only).
    public func remove(_ path: String) throws(StoreError) {
        try point(.unlink, path)
        if unlink(path) != 0 && errno != ENOENT { throw fail("remove", path) }
        try syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// Moves a file aside (into quarantine) durably: both directories are synced.
    public func move(_ from: String, to: String) throws(StoreError) {
        try point(.rename, from, renaming: (from, to))
        if rename(from, to) != 0 { throw fail("move", from) }
        done(.rename, from, to: to)
        try syncDirectory((to as NSString).deletingLastPathComponent)
        try syncDirectory((from as NSString).deletingLastPathComponent)
    }

    /// Copies a file (for quarantine evidence) durably, without touching the original.
    public func copy(_ from: String, to: String, limit: Int) throws(StoreError) {
        let data = try read(from, limit: limit)
        try replace(to, with: data)
    }

    /// Reads a whole regular file. Opened non-blocking and without following links, and its type
    /// checked before any read: a FIFO, socket, device or folder in its place is reported
    /// (`notAFile`), never waited on; a file over `limit` is refused from its size alone.
    public func read(_ path: String, limit: Int) throws(StoreError) -> Data {
        let (fd, fileSize) = try openRegular(path)
        defer { close(fd) }
        if fileSize > limit { throw .tooLarge(path: display(path), limit: limit) }
        return try readFully(fd, count: fileSize, at: 0, path: path)
    }

    /// A symbolic link inside the store: never followed (the store's own root may be one).
    public func isLink(_ path: String) -> Bool {
        var st = stat()
        return !root.isEmpty && lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
    }

    /// The size of a regular file (links not followed); nil for anything else or nothing.
    public func size(_ path: String) -> Int? {
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(st.st_size)
    }

    /// What is at `path`, without following a link: "file", "folder", "FIFO", "socket", "device",
    /// "symbolic link"; nil when nothing is there.
    public func kind(_ path: String) -> String? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return Self.kindName(st.st_mode)
    }

    static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: "file"
        case S_IFDIR: "folder"
        case S_IFIFO: "FIFO"
        case S_IFSOCK: "socket"
        case S_IFCHR, S_IFBLK: "device"
        case S_IFLNK: "symbolic link"
        default: "special file"
        }
    }

    /// Opens a regular file for reading, non-blocking and without following links, and gives its
    /// size; anything else in its place (a FIFO, socket, device, folder or link) is `notAFile`,
    /// reported before any read. The caller closes the descriptor.
    func openRegular(_ path: String) throws(StoreError) -> (fd: Int32, size: Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | noFollow)
        if fd < 0 {
            if errno == ELOOP || errno == ENXIO, let kind = kind(path), kind != "file" {
                throw .notAFile(path: display(path), kind: kind)
            }
            throw fail("open", path)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            close(fd)
            throw fail("inspect", path)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .notAFile(path: display(path), kind: Self.kindName(st.st_mode))
        }
        return (fd, Int(st.st_size))
    }

    private func requireRegular(_ fd: Int32, _ path: String) throws(StoreError) {
        var st = stat()
        if fstat(fd, &st) != 0 { throw fail("inspect", path) }
        let kind = Self.kindName(st.st_mode)
        if kind != "file" { throw .notAFile(path: display(path), kind: kind) }
    }

    /// Writes back the newline of a journal's last line that lost it (rot), durably, so the line
    /// stays whole in place and the next append starts on a line of its own.
    public func appendNewline(_ path: String) throws(StoreError) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NONBLOCK | noFollow)
        if fd < 0 { throw fail("open", path) }
        defer { close(fd) }
        try requireRegular(fd, path)
        try writeAll(fd, Data([0x0A]), path: path)
        try point(.fsync, path, fd: fd)
        if fsync(fd) != 0 { throw fail("sync", path) }
        done(.fsync, path, fd: fd)
    }

    /// The last `count` bytes of the first `length` bytes of a file (to find a journal's last line).
    public func tail(_ path: String, length: Int, count: Int) throws(StoreError) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | noFollow)
        if fd < 0 { throw fail("open", path) }
        defer { close(fd) }
        try requireRegular(fd, path)
        let n = min(length, count)
        guard n > 0 else { return Data() }
        var data = Data(count: n)
        let got = data.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, n, off_t(length - n)) }
        if got < 0 { throw fail("read", path) }
        return data.prefix(got)
    }

    private func writeAll(_ fd: Int32, _ data: Data, path: String) throws(StoreError) {
        var offset = 0
        while offset < data.count {
            try point(.write, path, fd: fd, pending: data.suffix(from: data.startIndex + offset))
            let n = data.withUnsafeBytes { write(fd, $0.baseAddress! + offset, data.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("write", path)
            }
            offset += n
        }
    }
}

extension FileOperation {
    /// How a failed operation reads in a message: "Could not sync days/…".
    var verb: String {
        switch self {
        case .mkdir: "create directory"
        case .chmod: "set permissions on"
        case .create: "create"
        case .write: "write"
        case .fsync, .fdatasync: "sync"
        case .rename: "rename"
        case .unlink: "remove"
        case .truncate: "truncate"
        case .dirsync: "sync directory"
        }
    }
}
