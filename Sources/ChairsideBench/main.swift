import ChairsideCore
import ChairsideStore
import ChairsideTerminal
import Foundation

// chairside-bench: builds synthetic stores of 0, 1, 5 and 10 years and measures what the technician
// feels on each, beside a floor (chairside-floor: Foundation + ncursesw painting one frame) timed
// in the same run. Prints a Markdown report; docs/BENCHMARKS.md holds the last one with notes.
//
//   swift build -c release && swift run -c release chairside-bench \
//       [--years 0,1,5,10] [--keys 10000] [--work DIR] [--reuse] [--generate-only] [--start-only] [--recall-only]

var yearsList: [Double] = [0, 1, 5, 10]
var keyCount = 10_000
var work = FileManager.default.currentDirectoryPath + "/.build/bench"
/// Keep stores a previous run generated (same day) instead of generating them again.
var reuse = false
/// Measure only the lot recall (issue 17) on each store.
var recallOnly = false
/// Generate (or keep) the stores and stop: to make them once, then measure with `--reuse`.
var generateOnly = false
/// Measure only the start (floor, first frame, peak memory): a quick look at what issue 16 targets.
var startOnly = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let a = arguments.next() {
    switch a {
    case "--years": yearsList = (arguments.next() ?? "").split(separator: ",").compactMap { Double($0) }
    case "--keys": keyCount = Int(arguments.next() ?? "") ?? keyCount
    case "--work": work = arguments.next() ?? work
    case "--reuse": reuse = true
    case "--recall-only": recallOnly = true
    case "--generate-only": generateOnly = true
    case "--start-only": startOnly = true
    default:
        FileHandle.standardError.write(
            Data(
                ("usage: chairside-bench [--years 0,1,5,10] [--keys 10000] [--work DIR] [--reuse] "
                    + "[--generate-only] [--start-only] [--recall-only]\n").utf8))
        exit(2)
    }
}

let binDir = (CommandLine.arguments[0] as NSString).deletingLastPathComponent
let binary = binDir + "/chairside"
let floorBinary = binDir + "/chairside-floor"
for b in [binary, floorBinary] where !FileManager.default.isExecutableFile(atPath: b) {
    let name = (b as NSString).lastPathComponent
    FileHandle.standardError.write(
        Data("No \(name) beside the benchmark at \(b): run `swift build -c release` first.\n".utf8))
    exit(1)
}
let config = ClinicConfig.standard
let timeZone = TimeZone.current
let width = 120
let height = 40

func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

struct SizeResult {
    var years: Double
    var summary = SyntheticClinic.Summary()
    var generateSeconds = 0.0
    var reused = false
    var storeMiB = 0.0
    var floor = Samples()
    var firstFrame = Samples()
    var firstSearch = Samples()
    var show = Samples()
    var historyCLI = Samples()
    var checkFull = Samples()
    var keyToFrame = Samples()
    var dayReview = Samples()
    var history = Samples()
    var typeAhead = Samples()
    var todayJSON = Samples()
    var check = Samples()
    var peakMiB = 0.0
    var longestHistory = 0
    var append = AppendBench.Result()
    var recall = RecallBench.Result()
}

/// One console on a pseudo-terminal for all in-process measurements: real ncurses, real output.
let consolePTY = try PTY(width: width, height: height)
consolePTY.drainForever()
let terminal = try NCursesTerminal(
    environment: ["TERM": "xterm-256color"], descriptors: (consolePTY.slave, consolePTY.slave))

@MainActor func makeApp(_ root: String) throws -> App {
    let store = try Store(root: root, timeZone: timeZone, today: ClinicDay(Date(), timeZone: timeZone))
    let app = App(store: store, config: config, timeZone: timeZone, width: width, height: height, clock: Date.init)
    terminal.present(app.render())
    return app
}

/// update + view + present for one key, in milliseconds.
@MainActor func frame(_ app: App, _ key: Key) -> Double {
    timed {
        _ = app.handle(.key(key))
        terminal.present(app.render())
    }
}

func type(_ app: App, _ text: String) { for c in text { _ = app.handle(.key(.char(c))) } }

func directorySize(_ path: String) -> Double {
    let files = FileManager.default.enumerator(atPath: path)
    var total = 0
    while let f = files?.nextObject() as? String {
        total += (try? FileManager.default.attributesOfItem(atPath: path + "/" + f)[.size] as? Int) ?? 0
    }
    return Double(total) / 1_048_576
}

var results: [SizeResult] = []
for years in yearsList {
    var r = SizeResult(years: years)
    let root = "\(work)/store-\(years)y"
    let summaryPath = root + ".summary.json"
    if reuse, let kept = try? Data(contentsOf: URL(fileURLWithPath: summaryPath)),
        let saved = try? JSONDecoder().decode(SavedSummary.self, from: kept),
        FileManager.default.fileExists(atPath: root)
    {
        log("== \(years) years: reusing \(root)")
        r.summary = saved.summary
        r.generateSeconds = saved.seconds
        r.reused = true
    } else {
        try? FileManager.default.removeItem(atPath: root)
        log("== \(years) years: generating")
        let t0 = now()
        let store = try Store(root: root, timeZone: timeZone, today: ClinicDay(Date(), timeZone: timeZone))
        r.summary = try SyntheticClinic(years: years).generate(
            into: store, config: config, now: Date(), timeZone: timeZone
        ) { log("   " + $0) }
        r.generateSeconds = now() - t0
        try JSONEncoder().encode(SavedSummary(summary: r.summary, seconds: r.generateSeconds)).write(
            to: URL(fileURLWithPath: summaryPath))
    }
    r.storeMiB = directorySize(root)
    r.longestHistory = try Store(root: root, timeZone: timeZone, today: ClinicDay(Date(), timeZone: timeZone))
        .history(of: r.summary.regularPatientID).count
    log("   \(r.summary) in \(Int(r.generateSeconds)) s, \(Int(r.storeMiB)) MiB")
    if generateOnly { continue }
    let env = [
        "TERM": "xterm-256color", "LANG": "C.UTF-8", "CHAIRSIDE_STORE": root, "XDG_CONFIG_HOME": work + "/config",
        "HOME": work, "TZ": timeZone.identifier,
    ]
    if !startOnly {
        log("   recall of the most used lot: in process, the CLI, and a brute-force scan to compare")
        r.recall = try RecallBench(root: root, binary: binary, environment: env, timeZone: timeZone).run()
    }
    if recallOnly {
        results.append(r)
        continue
    }

    log("   floor and console, start to first frame (alternating), and peak memory")
    /// Time from posix_spawn until the frame's bottom line is on the pseudo-terminal.
    func startToFrame(_ argv: [String], pty: PTY) throws -> (ms: Double, pid: pid_t) {
        let start = now()
        let pid = try pty.spawn(argv, environment: env)
        let (found, _) = pty.read(until: "q quit", timeout: 20)
        let elapsed = (now() - start) * 1000
        guard found else { throw BenchError("\(argv[0]) never drew its first frame on the \(years)-year store") }
        return (elapsed, pid)
    }
    for i in 0..<21 {
        let floorPTY = try PTY(width: width, height: height)
        let f = try startToFrame([floorBinary], pty: floorPTY)
        if i > 0 { r.floor.add(f.ms) }
        kill(f.pid, SIGTERM)
        _ = Child.wait(f.pid)
        let pty = try PTY(width: width, height: height)
        let (elapsed, pid) = try startToFrame([binary], pty: pty)
        if i > 0 { r.firstFrame.add(elapsed) }  // the first run of each warms the page cache
        if i == 20 {
            // Walk the screens a technician uses, then read the high-water mark of resident memory.
            for keys in [
                "\u{1B}[D", "\u{1B}[D", "\u{1B}[D", "t", "n", "jo", "\u{1B}[C", "\u{1B}", "\u{1B}", "\r", "\u{1B}",
                "n", "\u{15}", r.summary.regularChart, "\u{1B}[C", "\r", "\u{1B}", "\u{1B}", "\u{1B}",
            ] {
                pty.write(keys)
                usleep(150_000)
                _ = pty.read(until: "\u{0}", timeout: 0.05)
            }
            r.peakMiB = Child.peakMiB(pid) ?? .nan
        }
        kill(pid, SIGTERM)
        _ = Child.wait(pid)
    }

    if startOnly {
        log(
            String(
                format: "   first frame %.2f ms, floor %.2f ms: %.2fx; peak %.1f MiB", r.firstFrame.p50, r.floor.p50,
                r.firstFrame.p50 / r.floor.p50, r.peakMiB))
        results.append(r)
        continue
    }
    log("   day review, history, type-ahead, key to frame")
    let busy = r.summary.busyDay?.description ?? ClinicDay(Date(), timeZone: timeZone).description
    for _ in 0..<15 {
        let app = try makeApp(root)
        _ = app.handle(.key(.char("g")))
        _ = app.handle(.key(.ctrl("u")))
        type(app, busy)
        r.dayReview.add(frame(app, .enter))
    }
    for _ in 0..<15 {
        let app = try makeApp(root)
        _ = app.handle(.key(.char("n")))
        type(app, r.summary.regularChart)
        r.history.add(frame(app, .right))
    }
    for _ in 0..<15 {
        // The first search of a console: it opens the patient directory.
        let app = try makeApp(root)
        r.firstSearch.add(frame(app, .char("n")))
    }
    do {
        let app = try makeApp(root)
        _ = app.handle(.key(.char("n")))
        for _ in 0..<40 {
            for c in "jo mu" { r.typeAhead.add(frame(app, .char(c))) }
            _ = app.handle(.key(.ctrl("u")))
        }
        // A new session for a patient, then keys on the session console.
        _ = app.handle(.key(.ctrl("u")))
        type(app, "C-000002")
        for k: Key in [.enter, .tab, .tab, .char(" "), .enter] { _ = app.handle(.key(k)) }
        guard app.model.screen == .session else {
            throw BenchError("could not open a session console for the key benchmark")
        }
        let keys: [Key] = [
            .char("4"), .down, .down, .up, .char("]"), .char("["), .char("1"), .down, .up, .char("3"), .tab, .backTab,
        ]
        for i in 0..<keyCount { r.keyToFrame.add(frame(app, keys[i % keys.count])) }
        app.shutdown()
    }

    log("   today --json, show, history")
    let shown =
        try Store(root: root, timeZone: timeZone, today: ClinicDay(Date(), timeZone: timeZone))
        .sessions(on: r.summary.busyDay ?? ClinicDay(Date(), timeZone: timeZone)).first?.id ?? ""
    func command(_ args: [String], into samples: inout Samples) throws {
        samples.add(
            try timed {
                guard try Child.run([binary] + args, environment: env) == 0 else {
                    throw BenchError("\(args.joined(separator: " ")) failed")
                }
            })
    }
    _ = try Child.run([binary, "history", r.summary.regularChart], environment: env)
    for _ in 0..<9 {
        try command(["today", "--json"], into: &r.todayJSON)
        try command(["show", shown], into: &r.show)
        try command(["history", r.summary.regularChart], into: &r.historyCLI)
    }
    log("   check --full, then check (incremental)")
    for _ in 0..<(years >= 5 ? 1 : 3) { try command(["check", "--full"], into: &r.checkFull) }
    for _ in 0..<3 { try command(["check"], into: &r.check) }

    log("   appends: store, bare fdatasync, SQLite")
    r.append = try AppendBench(dir: "\(work)/append-\(years)y", store: root, count: 1000).run(config: config)
    results.append(r)
}
terminal.stop()

// MARK: report

func ratio(_ a: Double, _ b: Double) -> String { String(format: "%.2f×", a / b) }
func years(_ y: Double) -> String { y == y.rounded() ? "\(Int(y)) y" : "\(y) y" }
func seconds(_ v: Double) -> String { v.isNaN ? "—" : String(format: v < 10_000 ? "%.2f s" : "%.0f s", v / 1000) }

let host = ProcessInfo.processInfo
let kernel =
    (try? String(contentsOfFile: "/proc/version", encoding: .utf8))?.split(separator: " ").prefix(3)
    .joined(separator: " ") ?? "Linux"
print(
    "Machine: \(host.processorCount) cores, \(host.physicalMemory / 1_073_741_824) GiB, \(kernel); "
        + "\(width)x\(height); keys per run: \(keyCount)")
print("")
print("| store | " + results.map { years($0.years) }.joined(separator: " | ") + " |")
print("| --- |" + String(repeating: " ---: |", count: results.count))
@MainActor func row(_ name: String, _ f: (SizeResult) -> String) {
    print("| \(name) | " + results.map(f).joined(separator: " | ") + " |")
}
row("sessions / events") { "\($0.summary.sessions) / \($0.summary.events)" }
row("patients") { "\($0.summary.patients)" }
row("store on disk") { String(format: "%.0f MiB", $0.storeMiB) }
row("generate") { String(format: "%.0f s", $0.generateSeconds) + ($0.reused ? " (kept)" : "") }
row("floor: start to frame, p50") { ms($0.floor.p50) }
row("first frame from exec, p50") { ms($0.firstFrame.p50) }
row("**first frame ÷ floor** (target ≤ 1.8×)") { ratio($0.firstFrame.p50, $0.floor.p50) }
row("first frame, worst of 20 / floor's worst") {
    "\(ms($0.firstFrame.percentile(100))) / \(ms($0.floor.percentile(100)))"
}
row("key to frame p50") { ms($0.keyToFrame.p50) }
row("key to frame p99 (target ≤ 2 ms)") { ms($0.keyToFrame.p99) }
row("append p50: store") { ms($0.append.store.p50) }
row("append p50: bare write+fdatasync") { ms($0.append.bare.p50) }
row("append p50: SQLite WAL FULL") { ms($0.append.sqlite.p50) }
row("append p99: store / bare / SQLite") {
    "\(ms($0.append.store.p99)) / \(ms($0.append.bare.p99)) / \(ms($0.append.sqlite.p99))"
}
row("store ÷ bare, p50 (target ≤ 1.3×)") { ratio($0.append.store.p50, $0.append.bare.p50) }
row("store ÷ SQLite, p50 (target ≤ 1×)") { ratio($0.append.store.p50, $0.append.sqlite.p50) }
row("day review of 40 sessions, p50 (target ≤ 50 ms)") { ms($0.dayReview.p50) }
row("history of the longest patient, p50 (target ≤ 50 ms)") {
    ms($0.history.p50) + " (\($0.longestHistory) sessions)"
}
row("first search (opens the directory), p50") { ms($0.firstSearch.p50) }
row("type-ahead per key p50 / p99 (target p99 ≤ 3 ms)") { "\(ms($0.typeAhead.p50)) / \(ms($0.typeAhead.p99))" }
row("`today --json` p50 ÷ floor (target ≤ 2×)") {
    "\(ms($0.todayJSON.p50)) = \(ratio($0.todayJSON.p50, $0.floor.p50))"
}
row("`show` p50 ÷ floor (target ≤ 2×)") { "\(ms($0.show.p50)) = \(ratio($0.show.p50, $0.floor.p50))" }
row("`history` p50 ÷ floor (target ≤ 2×)") {
    "\(ms($0.historyCLI.p50)) = \(ratio($0.historyCLI.p50, $0.floor.p50))"
}
row("`check` (incremental), p50 (target ≤ 2 s at 5 y)") { seconds($0.check.p50) }
row("`check --full`, p50 (target ≤ 20 s at 5 y)") { seconds($0.checkFull.p50) }
row("console peak RSS (target ≤ 25 MiB)") { String(format: "%.1f MiB", $0.peakMiB) }
row("recall of one lot: sessions found / brute-force scan agrees") {
    "\($0.recall.found) of lot \($0.recall.lot) / \($0.recall.agrees ? "yes" : "NO")"
}
row("recall in process (new Store + recall), p50 / worst (target ≤ 200 ms)") {
    "\(ms($0.recall.inProcess.p50)) / \(ms($0.recall.inProcess.percentile(100)))"
}
row("`recall LOT --csv` from exec, p50 (target ≤ 200 ms)") { ms($0.recall.cli.p50) }
row("brute-force scan of every journal, once") { seconds($0.recall.bruteForceMS) }

/// What a generated store's summary is kept as beside it, for `--reuse`.
struct SavedSummary: Codable {
    var patients: Int, days: Int, sessions: Int, events: Int
    var regularPatientID: String, regularChart: String, busyDay: String?
    var seconds: Double

    init(summary s: SyntheticClinic.Summary, seconds: Double) {
        patients = s.patients
        days = s.days
        sessions = s.sessions
        events = s.events
        regularPatientID = s.regularPatientID
        regularChart = s.regularChart
        busyDay = s.busyDay?.description
        self.seconds = seconds
    }

    var summary: SyntheticClinic.Summary {
        var s = SyntheticClinic.Summary()
        s.patients = patients
        s.days = days
        s.sessions = sessions
        s.events = events
        s.regularPatientID = regularPatientID
        s.regularChart = regularChart
        s.busyDay = busyDay.flatMap(ClinicDay.init(string:))
        return s
    }
}
