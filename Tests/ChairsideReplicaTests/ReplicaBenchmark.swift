import ChairsideCore
import ChairsideStore
import Foundation
import XCTest

/// The replica's figures for docs/BENCHMARKS.md. Not a test: it asserts nothing about speed and
/// runs only when asked (`CHAIRSIDE_REPLICA_BENCH=1 swift test --filter ReplicaBenchmark`); it prints
/// the figures. Each is beside the raw insert rate of the same rows measured in the same run.
final class ReplicaBenchmark: ReplicaCase {
    override func setUpWithError() throws {
        guard ProcessInfo.processInfo.environment["CHAIRSIDE_REPLICA_BENCH"] != nil else {
            throw XCTSkip("The replica benchmark runs with CHAIRSIDE_REPLICA_BENCH=1 (docs/BENCHMARKS.md).")
        }
        try super.setUpWithError()
    }

    func testReplicaFigures() throws {
        let years = Double(ProcessInfo.processInfo.environment["CHAIRSIDE_REPLICA_BENCH_YEARS"] ?? "1") ?? 1
        let store = storePath("clinic")
        var t = Date()
        let made = run([Self.chairside, "demo", "--years", String(years), "--store", store])
        XCTAssertEqual(made.status, 0, made.err)
        let files = StoreJournals.list(root: store)
        let journals = files.count
        // Lines counted by their newlines (the store is clean): hashing them here, in the debug test
        // build, would take longer than the shipping being measured.
        let lines = try files.reduce(0) { n, file in
            let data = try Data(contentsOf: URL(fileURLWithPath: store + "/" + file.path))
            return n + data.withUnsafeBytes { raw in raw.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        }
        print("BENCH store: \(years) year(s), \(journals) journals, \(lines) lines, generated in \(secs(t)) s")

        t = Date()
        let shipped = run([Self.replica, "replicate", "--once", "--store", store, "--config", configPath])
        XCTAssertEqual(shipped.status, 0, shipped.err)
        let shipSeconds = Date().timeIntervalSince(t)
        XCTAssertEqual(scalar("SELECT count(*) FROM chairside_lines"), String(lines))
        let bytes = scalar("SELECT sum(length(bytes)) FROM chairside_lines")
        print(
            "BENCH initial shipping: \(lines) lines (\(bytes) bytes) in \(fmt(shipSeconds)) s = \(Int(Double(lines) / shipSeconds)) lines/s"
        )

        // The same rows inserted by the server itself into a table of the same shape and key: the
        // ceiling for any client.
        _ = sql("CREATE TABLE raw_lines (LIKE chairside_lines INCLUDING ALL)")
        let raw = run([
            "/usr/bin/psql", databaseURL, "-At", "-c", "\\timing on", "-c",
            "INSERT INTO raw_lines (store_id, journal, seq, hash, bytes) "
                + "SELECT store_id, journal, seq, hash, bytes FROM chairside_lines",
        ])
        let rawMS =
            raw.out.split(separator: "\n").compactMap { line -> Double? in
                guard line.hasPrefix("Time: ") else { return nil }
                return Double(line.dropFirst(6).split(separator: " ")[0])
            }.last ?? .nan
        print(
            "BENCH raw insert of the same rows (INSERT … SELECT, same key): \(fmt(rawMS / 1000)) s = "
                + "\(Int(Double(lines) / (rawMS / 1000))) rows/s")

        t = Date()
        let restored = run([
            Self.chairside, "restore", "--from-replica", "--store", storePath("restored"), "--config", configPath,
        ])
        XCTAssertEqual(restored.status, 0, restored.out + restored.err)
        print(
            "BENCH restore (fetch, verify chains, write, check): \(fmt(Date().timeIntervalSince(t))) s — \(restored.out.split(separator: "\n").first ?? "")"
        )

        try lagWithFourRooms()
    }

    /// Four rooms, each with its replicator, append a line every 150 ms for 30 s; lag is from the
    /// append's fsync to the row's arrival (`shipped_at`, the inserting transaction's start).
    func lagWithFourRooms() throws {
        // The big clinic out of the way, so the rooms measure their own traffic, not its pull.
        _ = sql("TRUNCATE chairside_lines, chairside_divergences")
        let rooms = (0..<4).map { demoStore("room-\($0)") }
        let pids = rooms.enumerated().map { startReplicator(store: $0.element, log: dir + "/room-\($0.offset).log") }
        let ids = try rooms.map(storeID)
        try waitUntil("rooms shipped", timeout: 120) {
            try zip(rooms, ids).allSatisfy { replicaLines($0.1).count == (try localLines($0.0)).count }
        }
        try waitUntil("rooms pulled each other", timeout: 300) {
            try zip(rooms, ids).allSatisfy { room, id in
                try ids.filter { $0 != id }.allSatisfy { other in
                    (try? localLines(RoomArea.root(of: room, room: other)).count)
                        == replicaLines(other).count
                }
            }
        }
        let utc = TimeZone(identifier: "UTC")!
        let base = try rooms.map { try localLines($0).keys.filter { $0.hasPrefix(StoreJournals.patientJournal) }.count }
        let appended = AppendTimes()
        DispatchQueue.concurrentPerform(iterations: 4) { r in
            guard
                let store = try? Store(
                    root: rooms[r], timeZone: utc, today: ClinicDay(Date(), timeZone: utc), access: .write)
            else { return }
            let end = Date().addingTimeInterval(30)
            var n = 0
            while Date() < end {
                n += 1
                _ = try? store.savePatient(Patient(id: "", name: "Lag \(r) \(n)", chartNumber: "LAG-\(r)-\(n)"))
                appended.add(r, Date().timeIntervalSince1970)
                usleep(150_000)
            }
        }
        var lags: [Double] = []
        for r in 0..<4 {
            let times = appended.of(r)
            let expected = base[r] + times.count
            try waitUntil("room \(r) shipped its appends", timeout: 60) {
                Int(
                    scalar(
                        "SELECT count(*) FROM chairside_lines WHERE store_id = '\(ids[r])' AND journal = 'patients/journal.jsonl'"
                    ))
                    == expected
            }
            let arrivals = sql(
                """
                SELECT extract(epoch FROM shipped_at) FROM chairside_lines
                WHERE store_id = '\(ids[r])' AND journal = 'patients/journal.jsonl' AND seq > \(base[r]) ORDER BY seq
                """
            ).out.split(separator: "\n").compactMap { Double($0) }
            for (a, s) in zip(times, arrivals) { lags.append(max(0, s - a) * 1000) }
        }
        for pid in pids { _ = stop(pid) }
        lags.sort()
        let p = { (q: Double) in lags[min(lags.count - 1, Int(Double(lags.count) * q))] }
        print(
            "BENCH lag, four rooms appending (\(lags.count) lines): p50 \(fmt(p(0.5))) ms, p99 \(fmt(p(0.99))) ms, max \(fmt(lags.last ?? 0)) ms"
        )
    }

    func secs(_ t: Date) -> String { fmt(Date().timeIntervalSince(t)) }
    func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
}

/// Append times per room, from four threads.
final class AppendTimes: @unchecked Sendable {
    private var times = [[Double]](repeating: [], count: 4)
    private let lock = NSLock()

    func add(_ room: Int, _ t: Double) { lock.withLock { times[room].append(t) } }
    func of(_ room: Int) -> [Double] { lock.withLock { times[room] } }
}
