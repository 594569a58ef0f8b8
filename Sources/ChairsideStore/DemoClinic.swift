import ChairsideCore
import Foundation

/// Fills a store with a believable day, for trying Chairside out: patients with history,
/// completed sessions, one aborted, one still in progress. Every event goes through the
/// decider and the store, exactly as the console would record it.
public enum DemoClinic {
    struct Plan {
        var patient: Patient
        var zones: [String]
        var outcome: Outcome
        /// Time-bound screening items answered yes, with how many days before the session they happened.
        var dated: [String: Int] = [:]
    }

    enum Outcome { case completed, aborted, inProgress }

    static let patients: [Patient] = [
        Patient(
            id: "", name: "José Müller", dateOfBirth: ClinicDay(string: "1985-03-14"), chartNumber: "C-1001",
            fitzpatrick: 3, notes: "Acne scarring, cheeks"),
        Patient(
            id: "", name: "李小龙", dateOfBirth: ClinicDay(string: "1990-11-27"), chartNumber: "C-1002", fitzpatrick: 4),
        Patient(
            id: "", name: "Zoë Ó Briain", dateOfBirth: ClinicDay(string: "1978-07-02"), chartNumber: "C-1003",
            fitzpatrick: 1, notes: "Fine lines; sensitive skin"),
        Patient(
            id: "", name: "Amara Okafor", dateOfBirth: ClinicDay(string: "1993-01-19"), chartNumber: "C-1004",
            fitzpatrick: 5),
        Patient(
            id: "", name: "Tomás García", dateOfBirth: ClinicDay(string: "1969-09-30"), chartNumber: "C-1005",
            fitzpatrick: 3),
        Patient(
            id: "", name: "Priya Raman", dateOfBirth: ClinicDay(string: "2001-05-05"), chartNumber: "C-1006",
            fitzpatrick: 4),
    ]

    /// Returns how many sessions were written.
    @discardableResult
    /// With `seed`, patient and session IDs come from it, so the same seed writes the same bytes
    /// (the damage harness relies on that to replay a case).
    public static func fill(
        _ store: Store, config: ClinicConfig, now: Date, timeZone: TimeZone,
        seed: UInt64? = nil
    ) throws -> Int {
        let ids = IDSource(seed: seed)
        var saved: [Patient] = []
        for var p in patients {
            if let existing = store.directory.patients(chartNumber: p.chartNumber).first(where: {
                $0.chartNumber == p.chartNumber
            }) {
                saved.append(existing)
            } else {
                if let id = ids.patientID() { p.id = id }
                saved.append(try store.savePatient(p))
            }
        }
        let zonesOf: [[String]] = [
            ["cheeks", "acne-scars"], ["forehead", "cheeks", "chin"], ["forehead", "periorbital", "cheeks"],
            ["cheeks", "jawline"], ["forehead", "cheeks"],
        ]
        let proto = config.protocolSettings
        let valid = { (ids: [String]) in
            ids.filter { proto.zone($0) != nil }.isEmpty ? [proto.zones[0].id] : ids.filter { proto.zone($0) != nil }
        }
        var count = 0

        // History: earlier sessions for three patients, so intervals and series counts mean something.
        // Some screenings carry dates the history shows (filler long ago, retinoids stopped a fortnight before).
        let pastDates: [[String: Int]] = [
            ["filler": 120], ["retinoids": 20], ["filler": 95, "neurotoxin": 40], ["isotretinoin": 300],
        ]
        for ((i, days), dated) in zip([(0, 70), (0, 35), (2, 42), (3, 31)], pastDates) {
            let start = ClinicDay(now, timeZone: timeZone).adding(days: -days).start(in: timeZone).addingTimeInterval(
                10 * 3600)
            try walk(
                store, config: config,
                plan: Plan(patient: saved[i], zones: valid(zonesOf[i]), outcome: .completed, dated: dated),
                start: start, scale: 1, now: now, ids: ids)
            count += 1
        }

        // Today: three completed, one aborted, one in progress, spaced back from now.
        let today: [Plan] = [
            // BOTOX five days ago: the screening records the neurotoxin warning with its date.
            Plan(patient: saved[0], zones: valid(zonesOf[0]), outcome: .completed, dated: ["neurotoxin": 5]),
            Plan(patient: saved[1], zones: valid(zonesOf[1]), outcome: .completed),
            Plan(patient: saved[3], zones: valid(zonesOf[3]), outcome: .completed),
            Plan(patient: saved[4], zones: valid(zonesOf[4]), outcome: .aborted),
            Plan(patient: saved[2], zones: valid(zonesOf[2]), outcome: .inProgress),
        ]
        let dayStart = ClinicDay(now, timeZone: timeZone).start(in: timeZone)
        let needed: Double = 75 * 60 * Double(today.count - 1) + 50 * 60
        let available = now.timeIntervalSince(dayStart) - 60
        let scale = max(0.001, min(1, available / needed))
        for (i, plan) in today.enumerated() {
            let back = (needed - Double(i) * 75 * 60) * scale
            try walk(
                store, config: config, plan: plan, start: now.addingTimeInterval(-back), scale: scale, now: now,
                ids: ids)
            count += 1
        }
        return count
    }

    /// Runs one session through the decider, minute by minute, stopping where the plan says.
    static func walk(
        _ store: Store, config: ClinicConfig, plan: Plan, start: Date, scale: Double, now: Date,
        ids: IDSource
    ) throws {
        let proto = config.protocolSettings
        let technician = config.technicians.first ?? "Technician"
        let room = config.rooms[min(config.rooms.count - 1, plan.zones.count % config.rooms.count)]
        let id = ids.sessionID(startedAt: start, timeZone: store.timeZone)
        let context = DecisionContext(
            protocolSettings: proto, history: store.history(of: plan.patient.id), actor: technician,
            timeZone: store.timeZone)
        var clock = start
        var state = SessionState(id: id)
        var writer: SessionWriter?
        defer { writer?.close() }

        func run(_ command: SessionCommand, after minutes: Double) throws {
            clock = clock.addingTimeInterval(minutes * 60 * scale)
            let events = try Decider.decide(command, state: state, context: context, now: min(clock, now))
            if let writer {
                try store.append(events, to: writer)
                state = writer.state
            } else {
                writer = try store.beginSession(id: id, events: events)
                state = writer!.state
            }
        }

        try run(.start(patient: plan.patient, technician: technician, room: room, plannedZones: plan.zones), after: 0)
        let day = ClinicDay(start, timeZone: store.timeZone)
        let answers = proto.contraindications.map { item in
            let ago = item.withinDays == nil ? nil : plan.dated[item.id]
            return ScreeningAnswer(item: item.id, present: ago != nil, lastDate: ago.map { day.adding(days: -$0) })
        }
        try run(.recordScreening(answers: answers), after: 3)
        if plan.dated["neurotoxin"] == 5 {
            try run(.note("BOTOX to the glabella 5 days ago; cheeks only today, away from it"), after: 0.5)
        }
        try run(.recordConsent(signedBy: plan.patient.name), after: 1)
        try run(
            .applyNumbing(
                agent: "BLT 20/8/4 cream", lot: "NB-2611", zones: plan.zones,
                dwellTargetMinutes: proto.numbingDwellTargetMinutes), after: 2)
        try run(.drawBlood(volumeML: 30, tubes: 3, lot: "ACD-4471"), after: 3)
        if plan.outcome == .aborted {
            try run(.adverseEvent("Felt faint after the blood draw; lay flat, recovered in 5 min"), after: 2)
            try run(.abort(reason: "Patient preferred to stop after feeling faint"), after: 6)
            return
        }
        try run(.startCentrifuge(CentrifugeProgram(unit: .g, value: 1500, minutes: 8)), after: 1)
        try run(.stopCentrifuge, after: 8)
        try run(.preparePRP(volumeML: 4), after: 2)
        try run(.removeNumbing, after: Double(proto.numbingDwellTargetMinutes) - 16)
        try run(.cleanseSkin, after: 1)
        for zone in plan.zones {
            let depth = proto.zone(zone)?.defaultDepth ?? proto.depthStep
            for pattern in [PassPattern.horizontal, .vertical, .diagonal] {
                let count = pattern == .diagonal ? 1 : 2
                try run(
                    .logPass(
                        Pass(
                            zone: zone, depth: depth, count: count, pattern: pattern,
                            endpoint: pattern == .diagonal ? .pinpointBleeding : .erythema), confirmAboveProtocol: false
                    ), after: 1.5)
            }
            if plan.outcome == .inProgress { return }
        }
        try run(.applyPRP(zone: nil, volumeML: 3, method: .after), after: 2)
        try run(.applyPostCare(product: "Hyaluronic soothing serum", lot: "HS-0925"), after: 3)
        try run(.applyPostCare(product: "Mineral sunscreen SPF 50", lot: "MS-1180"), after: 1)
        try run(.recordAftercare(.handedPrePrinted), after: 2)
        try run(.complete, after: 1)
    }

    /// Random IDs, or seeded ones.
    final class IDSource {
        private var rng: SplitMix64?
        init(seed: UInt64?) { rng = seed.map { SplitMix64(seed: $0) } }

        func patientID() -> String? {
            guard var r = rng else { return nil }
            defer { rng = r }
            return String(format: "p-%08x", UInt32(truncatingIfNeeded: r.next()))
        }

        func sessionID(startedAt: Date, timeZone: TimeZone) -> String {
            guard var r = rng else { return Store.newSessionID(startedAt: startedAt, timeZone: timeZone) }
            defer { rng = r }
            return Store.newSessionID(startedAt: startedAt, timeZone: timeZone, using: &r)
        }
    }
}
