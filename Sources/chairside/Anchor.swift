import ArgumentParser
import ChairsideCore
import ChairsideStore
import Foundation

struct Anchor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a day's anchor: one digest over every session journal of the day.",
        discussion: """
            The anchor is the RFC 6962 Merkle root over the day's sessions (sorted by ID), each leaf \
            "<session ID>:<SHA-256 of the journal's last line>". Write it down or send it elsewhere; \
            `chairside anchor` later gives the same value only if no journal of that day changed. \
            `chairside check` compares each journal with the heads the day index recorded. When it \
            found a day that no longer matched (and rebuilt its index), this command also prints the \
            anchor recorded before the damage and exits 1 until `chairside check --accept DATE`.
            """)

    @OptionGroup var options: StoreOptions

    @Option(help: ArgumentHelp("The day (default: today).", valueName: "YYYY-MM-DD"))
    var date: String?

    @Flag(help: "Print JSON (day, anchor, and each session's head).")
    var json = false

    func validate() throws {
        // Here, not in run(): a ValidationError from validate() shows this command's usage, not the root's.
        if let date, ClinicDay(string: date) == nil {
            throw ValidationError("--date must be a real day written YYYY-MM-DD, e.g. 2026-11-21.")
        }
    }

    func run() throws {
        var day = ClinicDay(Date(), timeZone: options.timeZone)
        if let date {
            guard let d = ClinicDay(string: date) else {
                throw ValidationError("--date must be a real day written YYYY-MM-DD, e.g. 2026-11-21.")
            }
            day = d
        }
        let store = try options.openStore(access: .read)
        let anchor = try store.anchor(on: day)
        // A repair rebuilt the day index after its anchor stopped matching: the root printed now is the
        // new one, so the one recorded before the damage is said beside it while that finding stands.
        let mismatches = try store.anchorMismatches(on: day)
        if json {
            var object: [String: Any] = [
                "day": day.description, "anchor": anchor.root, "storeID": store.storeID ?? NSNull(),
                "sessions": anchor.heads.map { ["id": $0.id, "head": $0.head] },
            ]
            object["matches_recorded"] = !mismatches.contains { !$0.accepted && $0.differs }
            object["recorded_before_damage"] = mismatches.map { m -> [String: Any] in
                [
                    "detected_at": m.detectedAt, "accepted_at": m.acceptedAt ?? NSNull(),
                    "recorded_anchor": m.recordedRoot ?? NSNull(), "anchor_now": m.rootNow, "differs": m.differs,
                    "message": m.headline, "evidence": m.evidence ?? NSNull(),
                    "sessions": m.sessions.map {
                        ["id": $0.id, "recorded_head": $0.recordedHead as Any? ?? NSNull()] as [String: Any]
                    },
                ]
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("\(day)  \(anchor.root)  (\(anchor.sessions) session\(anchor.sessions == 1 ? "" : "s"))")
            for m in mismatches { print(m.lines.joined(separator: "\n")) }
        }
        options.warnAboutDamage(store)
        // The anchor printed is not the one recorded for the day until someone accepts the finding.
        if mismatches.contains(where: { !$0.accepted }) { throw ExitCode(1) }
    }
}
