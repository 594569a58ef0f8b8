import CSQLite
import ChairsideCore
import ChairsideStore
import Foundation

/// The same event three ways, on the same disk, in one run: Chairside's durable append,
/// a bare write + fdatasync of the same bytes, and SQLite (WAL, synchronous=FULL) inserting it.
struct AppendBench {
    /// Where the bare file and the SQLite database go: beside the store, on the same disk.
    let dir: String
    /// The store to append to (a session for a new patient is started in it).
    let store: String
    let count: Int

    struct Result {
        var store = Samples(), bare = Samples(), sqlite = Samples()
    }

    func run(config: ClinicConfig) throws -> Result {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let tz = TimeZone.current
        let clock = Date()
        let store = try Store(root: self.store, timeZone: tz, today: ClinicDay(clock, timeZone: tz))
        // A new chart number each run, so a kept store (`--reuse`) takes another run.
        let chart = "B-\(Int(Date().timeIntervalSince1970 * 1000))"
        let patient = try store.savePatient(Patient(id: "", name: "Bench Patient", chartNumber: chart))
        let context = DecisionContext(
            protocolSettings: config.protocolSettings, actor: config.technicians.first ?? "Technician", timeZone: tz)
        let id = Store.newSessionID(startedAt: clock, timeZone: tz)
        var state = SessionState(id: id)
        let first = try Decider.decide(
            .start(
                patient: patient, technician: context.actor, room: config.rooms[0],
                plannedZones: [config.protocolSettings.zones[0].id]),
            state: state, context: context, now: clock)
        let writer = try store.beginSession(id: id, events: first)
        defer { writer.close() }
        state = writer.state

        let bareFD = open(dir + "/bare.jsonl", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard bareFD >= 0 else { throw BenchError("cannot create \(dir)/bare.jsonl") }
        defer { close(bareFD) }
        let db = try SQLite(path: dir + "/bench.sqlite")

        let encoder = JSONCoding.encoder()
        var result = Result()
        for i in 0..<count {
            let events = try Decider.decide(
                .note("Bench note \(i): patient comfortable, no change to plan"), state: state, context: context,
                now: clock.addingTimeInterval(Double(i)))
            result.store.add(try timed { try store.append(events, to: writer) })
            state = writer.state
            let line = JournalLine.encode(seq: events[0].seq, payload: try encoder.encode(events[0]), prev: writer.head)
            result.bare.add(
                timed {
                    _ = line.withUnsafeBytes { write(bareFD, $0.baseAddress, $0.count) }
                    fdatasync(bareFD)
                })
            result.sqlite.add(try timed { try db.insert(session: id, seq: events[0].seq, line: line) })
        }
        return result
    }
}

/// Just enough SQLite for the comparison.
final class SQLite {
    private var db: OpaquePointer?
    private var insert: OpaquePointer?

    init(path: String) throws {
        guard sqlite3_open(path, &db) == SQLITE_OK else { throw BenchError("sqlite: cannot open \(path)") }
        for sql in [
            "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
            "CREATE TABLE IF NOT EXISTS events(session TEXT NOT NULL, seq INTEGER NOT NULL, line BLOB NOT NULL, PRIMARY KEY(session, seq))",
        ] {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
                throw BenchError("sqlite: \(String(cString: sqlite3_errmsg(db)))")
            }
        }
        guard
            sqlite3_prepare_v2(db, "INSERT INTO events(session, seq, line) VALUES (?, ?, ?)", -1, &insert, nil)
                == SQLITE_OK
        else {
            throw BenchError("sqlite: \(String(cString: sqlite3_errmsg(db)))")
        }
    }

    func insert(session: String, seq: Int, line: Data) throws {
        sqlite3_reset(insert)
        _ = session.withCString { cs_sqlite_bind_blob(insert, 1, $0, Int32(strlen($0))) }
        sqlite3_bind_int64(insert, 2, Int64(seq))
        _ = line.withUnsafeBytes { cs_sqlite_bind_blob(insert, 3, $0.baseAddress, Int32($0.count)) }
        guard sqlite3_step(insert) == SQLITE_DONE else {
            throw BenchError("sqlite insert: \(String(cString: sqlite3_errmsg(db)))")
        }
    }

    deinit {
        sqlite3_finalize(insert)
        sqlite3_close(db)
    }
}
