import ChairsideCore
import ChairsideStore
import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// What the replica tests share: a real PostgreSQL (from `.ci/pg-setup`: CHAIRSIDE_TEST_PG_URL and
/// PGPASSFILE), a fresh database per test, temp stores and config, and the real binaries.
/// Without a server the tests skip with a hint; in CI (CI=true) they fail instead.
class ReplicaCase: XCTestCase {
    var dir: String!
    var database: String!
    var baseURL: String!

    static let buildDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    static var chairside: String { binary("chairside") }
    static var replica: String { binary("chairside-replica") }

    /// The binaries under test: those built beside the tests, or `CHAIRSIDE_BIN_DIR`'s (the
    /// benchmark runs the release build that way).
    static func binary(_ name: String) -> String {
        if let dir = ProcessInfo.processInfo.environment["CHAIRSIDE_BIN_DIR"], !dir.isEmpty { return dir + "/" + name }
        let candidate = buildDir + "/" + name
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/" + name).path
    }

    override func setUpWithError() throws {
        let env = ProcessInfo.processInfo.environment
        guard let url = env["CHAIRSIDE_TEST_PG_URL"], !url.isEmpty, env["PGPASSFILE"] != nil else {
            if env["CI"] != nil {
                XCTFail("CI=true but no PostgreSQL is configured: .ci/run must start one (.ci/pg-setup).")
            }
            throw XCTSkip(
                "No PostgreSQL for the replica tests: run `eval \"$(.ci/pg-setup)\"` first (README, Replica).")
        }
        baseURL = url
        dir =
            FileManager.default.temporaryDirectory.appendingPathComponent("chairside-replica-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/config/chairside", withIntermediateDirectories: true)
        database = "chairside_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let made = sql("CREATE DATABASE \(database!)", on: url)
        XCTAssertEqual(made.status, 0, made.err)
        try writeConfig(url: databaseURL)
    }

    override func tearDownWithError() throws {
        for pid in started where kill(pid, 0) == 0 {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        started = []
        if let database, let baseURL { _ = sql("DROP DATABASE IF EXISTS \(database) WITH (FORCE)", on: baseURL) }
        if let dir { try? FileManager.default.removeItem(atPath: dir) }
    }

    var databaseURL: String {
        let base = baseURL[..<baseURL.lastIndex(of: "/")!]
        return base + "/" + database
    }

    var configPath: String { dir + "/config/chairside/config.toml" }

    func writeConfig(url: String, extra: String = "") throws {
        try "[replica]\nurl = \"\(url)\"\n\(extra)".write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func storePath(_ name: String = "store") -> String { dir + "/" + name }

    var env: [String: String] { ["XDG_CONFIG_HOME": dir + "/config", "TZ": "UTC", "LANG": "C.UTF-8"] }

    // MARK: processes

    var started: [pid_t] = []

    /// Runs a program to the end (argument array, no shell): status and its output.
    func run(_ args: [String], environment: [String: String]? = nil) -> (status: Int32, out: String, err: String) {
        let base = dir + "/run-\(UUID().uuidString)"
        let pid = spawn(args, out: base + ".out", err: base + ".err", environment: environment)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        started.removeAll { $0 == pid }
        let code: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let out = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
        unlink(base + ".out")
        unlink(base + ".err")
        return (code, out, err)
    }

    func chairside(_ args: String...) -> (status: Int32, out: String, err: String) {
        run([Self.chairside] + args)
    }

    /// Starts a program in the background; its output goes to the given files.
    @discardableResult
    func spawn(_ args: [String], out: String, err: String, environment: [String: String]? = nil) -> pid_t {
        var merged = ProcessInfo.processInfo.environment
        for (k, v) in environment ?? env { merged[k] = v }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        let argv = args.map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for item in argv { free(item) }
            for item in envp { free(item) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, args[0], &actions, nil, argv, envp)
        precondition(rc == 0, "spawn \(args[0]) failed: \(rc)")
        started.append(pid)
        return pid
    }

    /// The long-running replicator on a store; its log goes to `log`.
    func startReplicator(store: String, log: String) -> pid_t {
        spawn([Self.replica, "replicate", "--store", store, "--config", configPath], out: log, err: log)
    }

    /// Signals a process and waits for it, at most 30 s: one that does not end is killed and the test fails.
    @discardableResult
    func stop(_ pid: pid_t, signal: Int32 = SIGTERM, file: StaticString = #filePath, line: UInt = #line) -> Int32 {
        kill(pid, signal)
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(30)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                XCTFail("process \(pid) did not end within 30 s of signal \(signal); killed", file: file, line: line)
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                break
            }
            usleep(20_000)
        }
        started.removeAll { $0 == pid }
        return status
    }

    // MARK: the database, through psql (the passfile, never a password on the command line)

    func sql(_ query: String, on url: String? = nil) -> (status: Int32, out: String, err: String) {
        run(["/usr/bin/psql", url ?? databaseURL, "-v", "ON_ERROR_STOP=1", "-At", "-c", query])
    }

    func scalar(_ query: String) -> String {
        sql(query).out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Every replicated line of a store: journal#seq → hash.
    func replicaLines(_ storeID: String) -> [String: String] {
        let rows = sql("SELECT journal || '#' || seq || ' ' || hash FROM chairside_lines WHERE store_id = '\(storeID)'")
        var out: [String: String] = [:]
        for line in rows.out.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { out[String(parts[0])] = String(parts[1]) }
        }
        return out
    }

    /// Every intact local line of a store: journal#seq → hash.
    func localLines(_ root: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for file in StoreJournals.list(root: root) {
            for line in try StoreJournals.read(root: root, journal: file.path).lines {
                out["\(file.path)#\(line.seq)"] = line.hash
            }
        }
        return out
    }

    func storeID(_ root: String) throws -> String {
        let store = try Store(
            root: root, timeZone: TimeZone(identifier: "UTC")!, today: ClinicDay(Date(), timeZone: .current),
            access: .read)
        return try XCTUnwrap(store.storeID)
    }

    /// A demo clinic (history and today) in a new store.
    func demoStore(_ name: String = "store", years: Double? = nil) -> String {
        let path = storePath(name)
        var args = [Self.chairside, "demo", "--store", path]
        if let years { args += ["--years", String(years), "--per-day", "6", "--patients", "300"] }
        let made = run(args)
        XCTAssertEqual(made.status, 0, made.err)
        return path
    }

    /// Waits for a condition with a deadline (never a fixed sleep before an assert).
    func waitUntil(
        _ what: String, timeout: TimeInterval = 30, file: StaticString = #filePath, line: UInt = #line,
        _ condition: () throws -> Bool
    ) rethrows {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            usleep(50_000)
        }
        XCTFail("timed out after \(Int(timeout)) s waiting for \(what)", file: file, line: line)
    }

    func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    // MARK: the private cluster (tests that stop and start it)

    func pgctl(_ action: String) -> (status: Int32, out: String, err: String) {
        let env = ProcessInfo.processInfo.environment
        guard let data = env["CHAIRSIDE_TEST_PG_DATA"], let bin = env["CHAIRSIDE_TEST_PG_BIN"] else {
            return (-1, "", "CHAIRSIDE_TEST_PG_DATA / CHAIRSIDE_TEST_PG_BIN not set (.ci/pg-setup sets them)")
        }
        var args = ["/usr/sbin/runuser", "-u", "postgres", "--", bin + "/pg_ctl", "-D", data, "-w"]
        args += action == "start" ? ["-l", data + "/server.log", "start"] : ["-m", "fast", "stop"]
        return run(args)
    }

    // MARK: helpers

    @discardableResult
    func addPatient(_ root: String, name: String) throws -> Patient {
        let store = try Store(
            root: root, timeZone: TimeZone(identifier: "UTC")!, today: ClinicDay(Date(), timeZone: .current),
            access: .write)
        return try store.savePatient(Patient(id: "", name: name, chartNumber: "K-\(UUID().uuidString.prefix(6))"))
    }

    /// Rewrites line `seq` with a different event but a valid check and the same `prev`: an edit
    /// only the chain (at the next line) and the replica can tell.
    func editLine(_ path: String, seq: Int) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false).map { Data($0) }
        if lines.last?.isEmpty == true { lines.removeLast() }
        let decoded = try XCTUnwrap(JournalChain.decodeWhole(lines[seq - 1] + Data([0x0A])))
        // Still valid JSON with the same meaning, but different bytes.
        var payload = String(decoding: decoded.payload, as: UTF8.self)
        payload.insert(" ", at: payload.index(before: payload.endIndex))
        lines[seq - 1] = JournalLine.encode(
            seq: seq, payload: Data(payload.utf8), more: decoded.more, prev: decoded.prev
        )
        .dropLast()
        try (lines.map { $0 + Data([0x0A]) }.reduce(Data(), +)).write(to: URL(fileURLWithPath: path))
    }
}
