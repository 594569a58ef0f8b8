import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program with an argv array (never a shell), feeds it stdin, and collects its
/// output, giving up after a deadline so a hung print server cannot freeze the console.
struct ChildProcess {
    struct Outcome {
        var status: Int32
        /// Standard output as bytes (a PDF), and as text for programs that answer in words.
        var output: Data
        var stderr: String
        var stdout: String { String(decoding: output, as: UTF8.self) }
    }

    enum Failure: Error {
        case notFound
        case couldNotStart(errno: Int32)
        case timedOut
    }

    var arguments: [String]
    var environment: [String: String]
    var timeout: TimeInterval

    // Long because spawning, feeding stdin without blocking and reaping by a deadline belong in one place.
    func run(input: Data) throws(Failure) -> Outcome {
        var inPipe: [Int32] = [-1, -1]
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw .couldNotStart(errno: errno) }
        // A print program that exits before reading all of stdin must not kill us with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in inPipe + outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, envp)
        for fd in [inPipe[0], outPipe[1], errPipe[1]] { close(fd) }
        guard spawned == 0 else {
            for fd in [inPipe[1], outPipe[0], errPipe[0]] { close(fd) }
            throw spawned == ENOENT ? .notFound : .couldNotStart(errno: spawned)
        }

        let deadline = Date().addingTimeInterval(timeout)
        var pending = [UInt8](input)
        var written = 0
        var inFD: Int32 = inPipe[1]
        // Non-blocking, so a child that stops reading cannot hold us past the deadline.
        _ = fcntl(inFD, F_SETFL, fcntl(inFD, F_GETFL) | O_NONBLOCK)
        if pending.isEmpty {
            close(inFD)
            inFD = -1
        }
        var out = [UInt8]()
        var err = [UInt8]()
        var open: [Int32] = [outPipe[0], errPipe[0]]
        var buffer = [UInt8](repeating: 0, count: 16_384)

        while !open.isEmpty || inFD >= 0 {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                for fd in open + (inFD >= 0 ? [inFD] : []) { close(fd) }
                throw .timedOut
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if inFD >= 0 { fds.append(pollfd(fd: inFD, events: Int16(POLLOUT), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining, 1) * 1000))
            if ready < 0 && errno == EINTR { continue }
            for p in fds where p.revents != 0 {
                if p.fd == inFD {
                    let n = pending.withUnsafeBytes { write(inFD, $0.baseAddress! + written, pending.count - written) }
                    if n > 0 { written += n }
                    if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                    if n <= 0 || written == pending.count {
                        close(inFD)
                        inFD = -1
                        pending = []
                    }
                } else {
                    let n = read(p.fd, &buffer, buffer.count)
                    if n > 0 {
                        if p.fd == outPipe[0] { out += buffer[0..<n] } else { err += buffer[0..<n] }
                    } else if n == 0 || errno != EINTR {
                        close(p.fd)
                        open.removeAll { $0 == p.fd }
                    }
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(status: exitCode, output: Data(out), stderr: String(decoding: err, as: UTF8.self))
    }
}
