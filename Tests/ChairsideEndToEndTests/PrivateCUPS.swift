import Foundation
import XCTest

/// A CUPS daemon of the test's own, on a socket in a temp folder, so a test can freeze it
/// (SIGSTOP) without touching the machine's CUPS or any other test's.
final class PrivateCUPS {
    let dir: String
    private(set) var pid: pid_t = 0
    var socket: String { dir + "/cups.sock" }

    init() throws {
        dir =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "chairside-cups-\(UUID().uuidString.prefix(8))"
            ).path
        for sub in ["", "/spool", "/tmp", "/state", "/cache", "/log"] {
            try FileManager.default.createDirectory(
                atPath: dir + sub, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o755])
        }
        try """
        Listen \(socket)
        LogLevel warn
        WebInterface No
        <Location />
          Order allow,deny
          Allow all
        </Location>
        """.write(toFile: dir + "/cupsd.conf", atomically: true, encoding: .utf8)
        try """
        ServerRoot \(dir)
        RequestRoot \(dir)/spool
        TempDir \(dir)/tmp
        StateDir \(dir)/state
        CacheDir \(dir)/cache
        ErrorLog \(dir)/log/error_log
        AccessLog \(dir)/log/access_log
        PageLog \(dir)/log/page_log
        FileDevice No
        """.write(toFile: dir + "/cups-files.conf", atomically: true, encoding: .utf8)
    }

    /// Starts the daemon in the foreground of a child process and waits until it answers.
    func start() throws {
        let args: [String] = ["/usr/sbin/cupsd", "-f", "-c", dir + "/cupsd.conf", "-s", dir + "/cups-files.conf"]
        let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        guard posix_spawn(&pid, "/usr/sbin/cupsd", &actions, nil, argv, environ) == 0 else {
            throw XCTSkip("cupsd could not be started")
        }
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if Tmux.run(["lpstat", "-r"], environment: ["CUPS_SERVER": socket]).out.contains("is running") { return }
            usleep(100_000)
        }
        XCTFail("the private cupsd never answered on \(socket)")
    }

    /// Freezes the daemon: connections are still accepted by the kernel, but nothing answers.
    func pause() { kill(pid, SIGSTOP) }

    func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGCONT)
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        pid = 0
        try? FileManager.default.removeItem(atPath: dir)
    }

    deinit { stop() }
}
