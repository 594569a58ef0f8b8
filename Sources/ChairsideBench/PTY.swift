import Foundation

/// A pseudo-terminal pair of a given size: the benchmark holds the master, a console the slave.
final class PTY {
    let master: Int32
    let slave: Int32
    let slavePath: String

    init(width: Int, height: Int) throws {
        // grantpt/unlockpt/ptsname do not import; on Linux they are these two ioctls on /dev/ptmx
        // (TIOCSPTLCK and TIOCGPTN, the same numbers on x86_64 and arm64).
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            throw BenchError("cannot open a pseudo-terminal (errno \(errno))")
        }
        slavePath = "/dev/pts/\(number)"
        var size = winsize(ws_row: UInt16(height), ws_col: UInt16(width), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        slave = open(slavePath, O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw BenchError("cannot open \(slavePath)") }
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        close(master)
        close(slave)
    }

    /// Reads what the console wrote until `marker` appears or the deadline passes.
    func read(until marker: String, timeout: Double) -> (found: Bool, text: String) {
        var collected = Data()
        let needle = Data(marker.utf8)
        let deadline = now() + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        while now() < deadline {
            var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            _ = poll(&fds, 1, 20)
            while true {
                let n = Glibc.read(master, &buffer, buffer.count)
                if n <= 0 { break }
                collected.append(buffer, count: n)
            }
            if collected.range(of: needle) != nil { return (true, String(decoding: collected, as: UTF8.self)) }
        }
        return (false, String(decoding: collected, as: UTF8.self))
    }

    /// Discards whatever the console writes, from another thread, so it never blocks on a full buffer.
    func drainForever() {
        let fd = master
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                var fds = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&fds, 1, 1000) < 0 { return }
                while Glibc.read(fd, &buffer, buffer.count) > 0 {}
            }
        }
    }

    func write(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { Glibc.write(master, $0.baseAddress, $0.count - 1) }
    }

    /// Starts a program with the slave as its terminal; stderr goes to /dev/null.
    func spawn(_ argv: [String], environment: [String: String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_addopen(&actions, 1, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        return try Child.spawn(argv, environment: environment, actions: &actions)
    }
}

enum Child {
    static func spawn(_ argv: [String], environment: [String: String], actions: inout posix_spawn_file_actions_t) throws
        -> pid_t
    {
        let args = argv.map { strdup($0) } + [nil]
        let env = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for item in args { free(item) }
            for item in env { free(item) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, args, env)
        guard rc == 0 else { throw BenchError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// Runs a program to the end with output discarded; returns its exit status.
    static func run(_ argv: [String], environment: [String: String]) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let pid = try spawn(argv, environment: environment, actions: &actions)
        return wait(pid)
    }

    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// Peak resident memory of a running process, in MiB (VmHWM).
    static func peakMiB(_ pid: pid_t) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kb / 1024
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
