import Foundation
import XCTest

/// Runs the real `chairside` binary in a real terminal (tmux on its own socket),
/// types keys and reads the screen, the way a technician would.
final class Tmux {
    let socket = "chairside-e2e-\(UUID().uuidString.prefix(8))"
    let session = "t"

    static var binary: String {
        // swift test runs the .xctest bundle from the build directory, where `chairside` is built too.
        let buildDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidate = buildDir.appendingPathComponent("chairside").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/chairside").path
    }

    /// Runs a program to completion with posix_spawn and waitpid. Foundation's Process is not used:
    /// it notices a child's exit through a descriptor that a forked tmux server inherits, and then waits forever.
    @discardableResult
    static func run(_ args: [String], environment: [String: String] = [:]) -> (status: Int32, out: String, err: String)
    {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("chairside-run-\(UUID().uuidString)")
            .path
        defer {
            unlink(base + ".out")
            unlink(base + ".err")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, base + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, base + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = (["/usr/bin/env"] + args).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for item in argv { free(item) }
            for item in envp { free(item) }
        }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, envp) == 0 else { return (-1, "", "spawn failed") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let out = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
        return (code, out, err)
    }

    func tmux(_ args: String...) -> String { tmux(args) }
    func tmux(_ args: [String]) -> String { Self.run(["tmux", "-L", socket, "-f", "/dev/null"] + args).out }

    /// Starts `command` (a shell line) in a new session of the given size.
    func start(_ command: String, width: Int = 80, height: Int = 24) {
        _ = tmux("new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)", command)
        _ = tmux("set-option", "-t", session, "remain-on-exit", "on")
    }

    func send(_ keys: String...) {
        for k in keys { _ = tmux("send-keys", "-t", session, k) }
        usleep(60_000)
    }

    func type(_ text: String) {
        _ = tmux("send-keys", "-t", session, "-l", text)
        usleep(60_000)
    }

    var screen: String { tmux("capture-pane", "-p", "-t", session) }

    /// Waits until the screen shows `text`; fails with the screen if it never does.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 15, file: StaticString = #filePath, line: UInt = #line)
        -> String
    {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = screen
            if last.contains(text) { return last }
            usleep(100_000)
        }
        XCTFail("screen never showed \"\(text)\":\n\(last)", file: file, line: line)
        return last
    }

    /// Waits until two captures in a row (with colours) are the same: the console has drawn its frame.
    @discardableResult
    func settled(timeout: TimeInterval = 15, file: StaticString = #filePath, line: UInt = #line) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = tmux("capture-pane", "-p", "-e", "-t", session)
        while Date() < deadline {
            usleep(100_000)
            let now = tmux("capture-pane", "-p", "-e", "-t", session)
            if now == last { return now }
            last = now
        }
        XCTFail("the screen never settled:\n\(last)", file: file, line: line)
        return last
    }

    /// The PID of the program running under the pane's shell (or the pane's own process).
    var programPID: Int32? {
        guard
            let pane = Int32(
                tmux("list-panes", "-t", session, "-F", "#{pane_pid}").trimmingCharacters(in: .whitespacesAndNewlines))
        else { return nil }
        let child = Self.run(["pgrep", "-P", "\(pane)", "-x", "chairside"]).out.split(separator: "\n").first
        return child.flatMap { Int32($0) } ?? pane
    }

    func resize(width: Int, height: Int) {
        _ = tmux("resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)")
    }

    func kill() { _ = tmux("kill-server") }
}
