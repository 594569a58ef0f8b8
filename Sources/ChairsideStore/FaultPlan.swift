import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The mutating file operations of `DurableFiles`; each one is a crash point.
public enum FileOperation: String, CaseIterable, Sendable {
    case mkdir, chmod, create, write, fsync, fdatasync, rename, unlink, truncate, dirsync
}

#if DEBUG
    /// Test builds only (compiled out of release builds): crash points and injected errors in the
    /// durable-write layer, for the reliability harness (docs/RELIABILITY.md).
    ///
    /// Driven by the environment of the process, so the harness can aim it at the real binary:
    /// - `CHAIRSIDE_CRASH_AT=N` — at the Nth mutating operation, before doing it, the process dies
    ///   with SIGKILL. `CHAIRSIDE_CRASH_MODE` says how:
    ///   - `kill` — just die: what the kernel already has survives (a process crash);
    ///   - `torn` — a write writes half its bytes first, then dies;
    ///   - `drop` — power loss: writes not yet fsynced are lost, and file creations and renames whose
    ///     directory was not fsynced are undone, then die;
    ///   - `garble` — power loss where the bytes not yet fsynced turn to garbage instead.
    /// - `CHAIRSIDE_FAULT_FILE=PATH` — read before every operation; each line `OPERATION ERRNO [PATH-PART]`
    ///   (`fdatasync EIO .jsonl`) makes matching operations fail with that error while the line is there.
    ///
    /// Power loss is simulated the way SQLite's crash tests do it: every write, fsync, creation and
    /// rename is tracked, and at the crash point whatever a power cut could lose is taken back.
    public final class FaultPlan: @unchecked Sendable {
        public enum CrashMode: String, Sendable { case kill, torn, drop, garble }

        public struct Rule: Sendable, Equatable {
            public var operation: FileOperation
            public var errno: Int32
            public var pathPart: String
            public init(_ operation: FileOperation, _ errno: Int32, pathPart: String = "") {
                self.operation = operation
                self.errno = errno
                self.pathPart = pathPart
            }
        }

        public static let shared = FaultPlan(environment: ProcessInfo.processInfo.environment)

        private let lock = NSLock()
        private let crashAt: Int?
        private let mode: CrashMode
        private let ruleFile: String?
        private var rulesInProcess: [Rule] = []
        /// How many operations this process has done: the crash points it passed.
        private var count = 0
        /// Every operation in order, when `keepsLog` is on (the harness's counting run).
        private var log: [(FileOperation, String)] = []
        public var keepsLog: Bool {
            get { lock.withLock { keeping } }
            set { lock.withLock { keeping = newValue } }
        }
        private var keeping = false

        // Power-loss bookkeeping, kept only in the drop and garble modes.
        private var tracking: Bool { mode == .drop || mode == .garble }
        private var durable: [UInt64: Data] = [:]
        private var dirty: Set<UInt64> = []
        private var pathOf: [UInt64: String] = [:]
        private enum Entry {
            case created(String)
            case renamed(from: String, to: String, displaced: Data?)
        }
        private var unsyncedEntries: [(directory: String, entry: Entry)] = []

        init(environment: [String: String]) {
            crashAt = environment["CHAIRSIDE_CRASH_AT"].flatMap { Int($0) }
            mode = environment["CHAIRSIDE_CRASH_MODE"].flatMap(CrashMode.init(rawValue:)) ?? .kill
            ruleFile = environment["CHAIRSIDE_FAULT_FILE"]
        }

        /// How many operations this process has done so far.
        public var operationCount: Int { lock.withLock { count } }

        /// The operations done so far while `keepsLog` was on (including any an injected error failed).
        public var operations: [(operation: FileOperation, path: String)] {
            lock.withLock { log.map { ($0.0, $0.1) } }
        }

        /// Injected errors for tests in this process (the file in `CHAIRSIDE_FAULT_FILE` adds to these).
        public var rules: [Rule] {
            get { lock.withLock { rulesInProcess } }
            set { lock.withLock { rulesInProcess = newValue } }
        }

        // MARK: hooks called by DurableFiles

        /// Before an operation: the crash point, then any injected error (returned as an errno).
        /// For a rename, `renaming` says what moves where (the name it replaces may come back after a power cut).
        func before(
            _ op: FileOperation, _ path: String, fd: Int32, pending: Data?, renaming: (from: String, to: String)?
        ) -> Int32? {
            lock.lock()
            defer { lock.unlock() }
            count += 1
            if keeping { log.append((op, path)) }
            if let crashAt, count == crashAt { crash(op, fd: fd, pending: pending) }
            if tracking { track(before: op, path, fd: fd, renaming: renaming) }
            return injected(op, path)
        }

        /// After an operation succeeded: what it made durable or left pending.
        func after(_ op: FileOperation, _ path: String, fd: Int32 = -1, to: String = "") {
            guard tracking else { return }
            lock.lock()
            defer { lock.unlock() }
            switch op {
            case .create:
                if let ino = inode(fd: fd) {
                    durable[ino] = Data()
                    pathOf[ino] = path
                }
                unsyncedEntries.append((parent(path), .created(path)))
            case .mkdir:
                unsyncedEntries.append((parent(path), .created(path)))
            case .fsync, .fdatasync:
                if let ino = inode(fd: fd) {
                    durable[ino] = contents(fd: fd)
                    dirty.remove(ino)
                }
            case .dirsync:
                unsyncedEntries.removeAll { $0.directory == path }
            case .rename:
                if let ino = inode(path: to) { pathOf[ino] = to }
            default:
                break
            }
        }

        // MARK: internals

        private func injected(_ op: FileOperation, _ path: String) -> Int32? {
            var all = rulesInProcess
            if let ruleFile, let text = try? String(contentsOfFile: ruleFile, encoding: .utf8) {
                all += text.split(separator: "\n").compactMap(Self.parse)
            }
            return all.first { $0.operation == op && ($0.pathPart.isEmpty || path.contains($0.pathPart)) }?.errno
        }

        static func parse(_ line: Substring) -> Rule? {
            let words = line.split(separator: " ")
            guard words.count >= 2, let op = FileOperation(rawValue: String(words[0])) else { return nil }
            let codes: [String: Int32] = [
                "ENOSPC": ENOSPC, "EIO": EIO, "EDQUOT": EDQUOT, "EROFS": EROFS, "EACCES": EACCES,
            ]
            guard let code = codes[String(words[1])] else { return nil }
            return Rule(op, code, pathPart: words.count > 2 ? String(words[2]) : "")
        }

        private func track(before op: FileOperation, _ path: String, fd: Int32, renaming: (from: String, to: String)?) {
            if let (from, to) = renaming {
                // Keep what `to` held, so a power cut can bring it back.
                unsyncedEntries.append(
                    (parent(to), .renamed(from: from, to: to, displaced: FileManager.default.contents(atPath: to))))
                return
            }
            guard op == .write || op == .truncate, let ino = inode(fd: fd) else { return }
            // A file this process has not changed yet is durable as it is: every earlier writer synced it.
            if durable[ino] == nil { durable[ino] = contents(fd: fd) }
            pathOf[ino] = pathOf[ino] ?? path
            dirty.insert(ino)
        }

        private func crash(_ op: FileOperation, fd: Int32, pending: Data?) -> Never {
            switch mode {
            case .kill: break
            case .torn:
                if op == .write, let pending, pending.count > 1 {
                    _ = pending.withUnsafeBytes { Glibc.write(fd, $0.baseAddress!, pending.count / 2) }
                }
            case .drop, .garble:
                losePower(garble: mode == .garble)
            }
            kill(getpid(), SIGKILL)
            while true { pause() }
        }

        /// Takes back what a power cut could lose: unsynced bytes (dropped or garbled), then unsynced
        /// creations and renames, newest first.
        private func losePower(garble: Bool) {
            var rng = SystemRandomNumberGenerator()
            for ino in dirty {
                guard let path = pathOf[ino], inode(path: path) == ino,
                    let now = FileManager.default.contents(atPath: path)
                else { continue }
                let kept = durable[ino] ?? Data()
                var bytes = kept
                if garble {
                    let common = zip(kept, now).prefix { $0 == $1 }.count
                    bytes =
                        now.prefix(common)
                        + Data((common..<now.count).map { _ in UInt8.random(in: 0...255, using: &rng) })
                }
                overwrite(path, with: bytes)
            }
            for (_, entry) in unsyncedEntries.reversed() {
                switch entry {
                case .created(let path):
                    try? FileManager.default.removeItem(atPath: path)
                case .renamed(let from, let to, let displaced):
                    rename(to, from)
                    if let displaced { overwrite(to, with: displaced) }
                }
            }
        }

        private func overwrite(_ path: String, with data: Data) {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, DurableFiles.fileMode)
            guard fd >= 0 else { return }
            _ = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, data.count) }
            close(fd)
        }

        private func parent(_ path: String) -> String { (path as NSString).deletingLastPathComponent }

        private func inode(fd: Int32) -> UInt64? {
            var st = stat()
            return fd >= 0 && fstat(fd, &st) == 0 ? UInt64(st.st_ino) : nil
        }

        private func inode(path: String) -> UInt64? {
            var st = stat()
            return lstat(path, &st) == 0 ? UInt64(st.st_ino) : nil
        }

        private func contents(fd: Int32) -> Data {
            FileManager.default.contents(atPath: "/proc/self/fd/\(fd)") ?? Data()
        }
    }
#endif
