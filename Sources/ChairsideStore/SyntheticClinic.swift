import ChairsideCore
import Foundation

/// Grows `DemoClinic` into a clinic of any age, for benchmarks: `years` of working days
/// (Monday to Friday) with `sessionsPerDay` sessions each, every session a full journal of
/// 60–120 events made by the decider, a directory of `patients`, and one regular patient
/// with `maxSessionsPerPatient` sessions spread over the period. The last working day before
/// today is a busy day with `busyDaySessions`. Seeded, so the same settings give the same clinic.
public struct SyntheticClinic: Sendable {
    public var years: Double
    public var sessionsPerDay = 20
    public var busyDaySessions = 40
    public var patients: Int
    public var maxSessionsPerPatient = 30
    public var seed: UInt64 = 20_261_121

    public init(years: Double, patients: Int? = nil) {
        self.years = years
        self.patients = patients ?? max(1_000, Int(4_000 * years))
    }

    public struct Summary: Sendable, CustomStringConvertible {
        public var days = 0, sessions = 0, events = 0, patients = 0
        /// Lots in the register: every product's stock rotates (StockRotation).
        public var lots = 0
        public var regularPatientID = ""
        public var regularChart = ""
        /// The working day before today, with `busyDaySessions`.
        public var busyDay: ClinicDay?
        public init() {}
        public var description: String {
            "\(patients) patients, \(sessions) sessions on \(days) days, \(events) events"
        }
    }

    static let firstNames = [
        "José", "Amara", "Zoë", "Tomás", "Priya", "Li", "Siobhán", "Mateo", "Aisha", "Björn", "Chloé", "Dmitri",
        "Fatima", "Hana", "Ines", "Kwame", "Leila", "Mei", "Nikolai", "Olga", "Rafael", "Sofia", "Yusuf", "小龙",
        "Ana", "Ben", "Clara", "David", "Elena", "Finn", "Grace", "Hugo", "Ivy", "Jonas", "Kira", "Lucas",
    ]
    static let lastNames = [
        "Müller", "Okafor", "Ó Briain", "García", "Raman", "Nguyen", "Kowalski", "Rossi", "Haddad", "Lindqvist",
        "Dubois", "Ivanova", "Tanaka", "Mensah", "Silva", "Cohen", "Kaur", "Papadopoulos", "Novak", "Smith",
        "Jones", "Brown", "Taylor", "Wilson", "Evans", "Thomas", "Roberts", "Walker", "White", "Hall", "李", "王",
    ]

    /// Writes the clinic into an empty store and builds its indexes.
    @discardableResult
    public func generate(
        into store: Store, config: ClinicConfig, now: Date, timeZone: TimeZone,
        progress: (String) -> Void = { _ in }
    ) throws -> Summary {
        var rng = SplitMix64(seed: seed)
        var summary = Summary()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone

        var people: [Patient] = []
        people.reserveCapacity(patients)
        for i in 0..<patients {
            let name =
                Self.firstNames[Int(rng.next() % UInt64(Self.firstNames.count))] + " "
                + Self.lastNames[Int(rng.next() % UInt64(Self.lastNames.count))]
            let born = ClinicDay(
                string: "19\(55 + Int(rng.next() % 50))-0\(1 + Int(rng.next() % 9))-1\(Int(rng.next() % 9))")
            people.append(
                Patient(
                    id: String(format: "p-%08x", i + 1), name: name, dateOfBirth: born,
                    chartNumber: String(format: "C-%06d", i + 1), fitzpatrick: 1 + Int(rng.next() % 6)))
        }
        try store.importPatients(people)
        summary.patients = people.count
        summary.regularPatientID = people[0].id
        summary.regularChart = people[0].chartNumber

        let today = ClinicDay(now, timeZone: timeZone)
        // Zero years still has the busy working day before today, so every size has a 40-session day.
        let span = max(7, Int((years * 365).rounded()))
        var workdays = (0...span).reversed().map { today.adding(days: -$0) }.filter { day in
            let weekday = calendar.component(.weekday, from: day.start(in: timeZone))
            return (2...6).contains(weekday) || day == today
        }
        if years == 0 { workdays = Array(workdays.suffix(2)) }
        // The regular comes at even intervals, up to the cap.
        let regularCount = min(maxSessionsPerPatient, workdays.count)
        let regularDays = Set((0..<regularCount).map { workdays[$0 * workdays.count / max(1, regularCount)] })
        var visits = [Int](repeating: 0, count: people.count)
        let context = DecisionContext(
            protocolSettings: config.protocolSettings, actor: config.technicians.first ?? "Technician",
            timeZone: timeZone)

        summary.busyDay = workdays.count > 1 ? workdays[workdays.count - 2] : nil
        var lotEvents: [LotEvent] = []
        for (d, day) in workdays.enumerated() {
            let lots = StockRotation.lots(onWorkday: d)
            lotEvents += StockRotation.events(
                onWorkday: d, day: day, at: day.start(in: timeZone).addingTimeInterval(6 * 3600),
                by: context.actor, after: lotEvents.count)
            let count = day == summary.busyDay ? busyDaySessions : sessionsPerDay
            let open = day.start(in: timeZone).addingTimeInterval(7 * 3600)
            for s in 0..<count {
                var who: Int
                if s == 0 && regularDays.contains(day) {
                    who = 0
                } else {
                    repeat {
                        who = 1 + Int(rng.next() % UInt64(people.count - 1))
                    } while visits[who] >= maxSessionsPerPatient
                }
                visits[who] += 1
                let start = open.addingTimeInterval(Double(s) * (12 * 3600) / Double(count))
                let events = try session(
                    for: people[who], start: start, config: config, context: context, lots: lots, rng: &rng)
                try store.importSession(
                    id: Store.newSessionID(startedAt: start, timeZone: timeZone, using: &rng), events: events)
                summary.sessions += 1
                summary.events += events.count
            }
            summary.days += 1
            if d % 50 == 0 { progress("\(day): \(summary.sessions) sessions") }
        }
        try store.importLots(lotEvents)
        summary.lots = Set(lotEvents.map(\.kind.lot)).count
        progress("building indexes")
        var shown = 0
        _ = try store.check(full: true) { p in
            // A line each tenth of the way, so a long build is seen to move.
            let tenth = p.total > 0 ? p.checked * 10 / p.total : 10
            if tenth > shown {
                shown = tenth
                progress("building indexes: \(p.checked) of \(p.total) journals")
            }
        }
        return summary
    }

    /// One completed session through the decider, sized to 60–120 events.
    func session(
        for patient: Patient, start: Date, config: ClinicConfig, context: DecisionContext,
        lots: StockRotation.Lots, rng: inout SplitMix64
    ) throws -> [SessionEvent] {
        let proto = config.protocolSettings
        var state = SessionState(id: "")
        var clock = start
        var events: [SessionEvent] = []
        func run(_ command: SessionCommand, after minutes: Double) throws {
            clock = clock.addingTimeInterval(minutes * 60)
            let new = try Decider.decide(command, state: state, context: context, now: clock)
            for e in new { state.record(e) }
            events += new
        }
        let zoneCount = 4 + Int(rng.next() % UInt64(max(1, min(4, proto.zones.count - 3))))
        let zones = Array(proto.zones.shuffled(using: &rng).prefix(zoneCount)).map(\.id)
        // 15 steps around the passes, plus PRP and a note per zone; the passes make up the rest.
        let target = 60 + Int(rng.next() % UInt64(61 - zones.count))
        let passesPerZone = max(1, (target - 15 - 2 * zones.count + zones.count - 1) / zones.count)

        try run(
            .start(patient: patient, technician: context.actor, room: config.rooms[0], plannedZones: zones), after: 0)
        try run(
            .recordScreening(answers: proto.contraindications.map { ScreeningAnswer(item: $0.id, present: false) }),
            after: 3)
        try run(.recordConsent(signedBy: patient.name), after: 1)
        try run(
            .applyNumbing(
                agent: "BLT 20/8/4 cream", lot: lots.anaesthetic, zones: zones,
                dwellTargetMinutes: proto.numbingDwellTargetMinutes), after: 2)
        try run(.drawBlood(volumeML: 30, tubes: 3, lot: lots.bloodTubes), after: 3)
        try run(.startCentrifuge(CentrifugeProgram(unit: .g, value: 1500, minutes: 8)), after: 1)
        try run(.stopCentrifuge, after: 8)
        try run(.preparePRP(volumeML: 4), after: 2)
        try run(.note("Numbing check: patient comfortable, skin intact"), after: 1)
        try run(.removeNumbing, after: Double(proto.numbingDwellTargetMinutes) - 17)
        try run(.cleanseSkin, after: 1)
        try run(
            .recordNeedleCartridge(NeedleCartridge(lot: lots.cartridge, configuration: "12-pin", needleLengthMM: 2.5)),
            after: 0.5)
        let patterns = PassPattern.allCases
        for zone in zones {
            let depth = proto.zone(zone)?.defaultDepth ?? proto.depthStep
            for p in 0..<passesPerZone {
                try run(
                    .logPass(
                        Pass(
                            zone: zone, depth: depth, count: 1, pattern: patterns[p % patterns.count],
                            endpoint: p + 1 == passesPerZone ? .pinpointBleeding : .erythema),
                        confirmAboveProtocol: false), after: 0.5)
            }
            try run(.applyPRP(zone: zone, volumeML: 0.5, method: .duringPasses), after: 0.5)
            try run(.note("\(zone): even response, no pinpoint bleeding outside the endpoint"), after: 0.2)
        }
        try run(.applyPostCare(product: "Hyaluronic soothing serum", lot: lots.serum), after: 3)
        try run(.applyPostCare(product: "Mineral sunscreen SPF 50", lot: lots.sunscreen), after: 1)
        try run(.recordAftercare(.handedPrePrinted), after: 2)
        try run(.complete, after: 1)
        return events
    }
}

/// The synthetic clinic's stock: each product gets a new lot every so many working days, as a
/// clinic's does, so a recall of one lot finds a slice of the years, not every session.
public enum StockRotation {
    static let products: [(kind: LotKind, prefix: String, product: String, everyWorkdays: Int)] = [
        (.anaesthetic, "NB", "BLT 20/8/4 cream", 40), (.bloodTubes, "ACD", "ACD-A PRP tubes", 30),
        (.needleCartridge, "NC", "12-pin needle cartridge", 10), (.serum, "HS", "Hyaluronic soothing serum", 60),
        (.sunscreen, "MS", "Mineral sunscreen SPF 50", 60),
    ]

    public struct Lots: Sendable {
        public var anaesthetic, bloodTubes, cartridge, serum, sunscreen: String
    }

    static func number(_ prefix: String, _ rotation: Int) -> String {
        prefix + "-" + String(format: "%04d", rotation + 1)
    }

    /// The lot of each product in use on the `d`th working day.
    public static func lots(onWorkday d: Int) -> Lots {
        let n = products.map { number($0.prefix, d / $0.everyWorkdays) }
        return Lots(anaesthetic: n[0], bloodTubes: n[1], cartridge: n[2], serum: n[3], sunscreen: n[4])
    }

    /// The register's events on the `d`th working day: a product's new lot added and opened, the
    /// one it replaces finished. Each lot expires a year after it arrives.
    static func events(onWorkday d: Int, day: ClinicDay, at: Date, by: String, after count: Int) -> [LotEvent] {
        var kinds: [LotEventKind] = []
        for p in products where d % p.everyWorkdays == 0 {
            let rotation = d / p.everyWorkdays
            if rotation > 0 { kinds.append(.finished(lot: number(p.prefix, rotation - 1))) }
            let lot = number(p.prefix, rotation)
            kinds.append(.added(lot: lot, kind: p.kind, product: p.product, expires: day.adding(days: 365)))
            kinds.append(.opened(lot: lot))
        }
        return kinds.enumerated().map { LotEvent(seq: count + $0.offset + 1, at: at, by: by, kind: $0.element) }
    }
}

/// A small, fast, seedable generator (SplitMix64), so a synthetic clinic is the same every run.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
