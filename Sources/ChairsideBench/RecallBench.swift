import ChairsideCore
import ChairsideStore
import Foundation

/// The recall of one lot on a synthetic store (issue 17): the lot the most sessions used, recalled
/// by a fresh `Store` each run (nothing cached) and by the release `chairside recall` exec'd, and
/// checked once against a brute-force scan that decodes every session journal.
struct RecallBench {
    struct Result {
        var lot = ""
        var found = 0
        var agrees = false
        var inProcess = Samples()
        var cli = Samples()
        var bruteForceMS = Double.nan
    }

    var root: String
    var binary: String
    var environment: [String: String]
    var timeZone: TimeZone

    func run() throws -> Result {
        var r = Result()
        let today = ClinicDay(Date(), timeZone: timeZone)
        let store = try Store(root: root, timeZone: timeZone, today: today, access: .read)
        // The serum's first lot: 60 working days of sessions, the largest slice any lot has.
        r.lot = try store.lotRegister().all.first { $0.kind == .serum }?.number ?? "HS-0001"
        var found: Set<String> = []
        for _ in 0..<15 {
            r.inProcess.add(
                try timed {
                    let fresh = try Store(root: root, timeZone: timeZone, today: today, access: .read)
                    found = Set(try fresh.recall(lot: r.lot).map(\.sessionID))
                })
        }
        r.found = found.count
        for _ in 0..<9 {
            r.cli.add(
                try timed {
                    guard try Child.run([binary, "recall", r.lot, "--csv"], environment: environment) == 0 else {
                        throw BenchError("recall \(r.lot) failed")
                    }
                })
        }
        let key = LotRegister.key(r.lot)
        var scanned: Set<String> = []
        r.bruteForceMS = try timed {
            for day in store.allDays() {
                let names = try FileManager.default.contentsOfDirectory(atPath: root + "/days/\(day)")
                for name in names where name.hasSuffix(".jsonl") {
                    let state = try store.loadSession(id: String(name.dropLast(6)))
                    if state.events.contains(where: { $0.kind.lotNumbers.map(LotRegister.key).contains(key) }) {
                        scanned.insert(state.id)
                    }
                }
            }
        }
        r.agrees = scanned == found
        return r
    }
}
