import ChairsideCore
import TestSupport
import XCTest

/// Rules in days count the clinic's calendar days in its zone, not UTC's: near midnight in a zone far
/// from UTC the two disagree, and the clinic's day is the one the technician and the patient live in.
final class ClinicDayRuleTests: XCTestCase {
    /// UTC−10 and UTC+14: at 23:30 or 00:30 local, UTC is on another day in one of them.
    private let zones = ["Pacific/Honolulu", "Pacific/Kiritimati"].map { TimeZone(identifier: $0)! }

    private func local(_ text: String, in zone: TimeZone) -> Date {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.date(from: text)!
    }

    /// Screening recorded at `at` (local) with BOTOX on 2026-11-08: did it warn?
    private func botoxWarns(at: String, in zone: TimeZone) throws -> Bool {
        var d = SessionDriver(context: Fixture.context(timeZone: zone))
        d.clock = local(at, in: zone).addingTimeInterval(-60)
        _ = try d.started()
        let answer = ScreeningAnswer(item: "neurotoxin", present: true, lastDate: ClinicDay(string: "2026-11-08"))
        try d.run(.recordScreening(answers: [answer]))
        return d.state.warnings.contains { $0.hasPrefix("Screening: Neurotoxin") }
    }

    func testTwoWeeksAfterBotoxCountsTheClinicsDayAtHalfPastElevenAndHalfPastMidnight() throws {
        for zone in zones {
            XCTAssertTrue(
                try botoxWarns(at: "2026-11-21 23:30", in: zone),
                "\(zone.identifier): 23:30 on the 21st is 13 days after the 8th, inside the 2 weeks")
            XCTAssertFalse(
                try botoxWarns(at: "2026-11-22 00:30", in: zone),
                "\(zone.identifier): 00:30 on the 22nd is 14 days after the 8th: allowed")
        }
    }

    func testADateThatIsTodayLocallyIsNotRefusedAsInTheFuture() throws {
        // 00:30 on the 22nd in Kiritimati is still the 21st in UTC: "today" must not be "after today".
        let zone = zones[1]
        var d = SessionDriver(context: Fixture.context(timeZone: zone))
        d.clock = local("2026-11-22 00:29", in: zone)
        _ = try d.started()
        let answer = ScreeningAnswer(item: "nsaids", present: true, lastDate: ClinicDay(string: "2026-11-22"))
        XCTAssertNil(d.attempt(.recordScreening(answers: [answer])))
    }

    /// A completed session at `last` (local), a new one started at `now` (local): the interval warning's text.
    private func intervalWarning(last: String, now: String, in zone: TimeZone) throws -> String? {
        let ref = SessionRef(
            sessionID: "20261024-150000-0001", startedAt: local(last, in: zone), status: .completed)
        var d = SessionDriver(context: Fixture.context(history: [ref], timeZone: zone))
        d.clock = local(now, in: zone)
        _ = try d.started()
        return d.state.warnings.first { $0.hasPrefix("Last session") }
    }

    func testTheIntervalCountsCalendarDaysInTheClinicsZone() throws {
        for zone in zones {
            XCTAssertEqual(
                try intervalWarning(last: "2026-10-24 15:00", now: "2026-11-20 23:30", in: zone),
                "Last session was 27 days ago; the protocol asks for at least 28.", zone.identifier)
            XCTAssertNil(
                try intervalWarning(last: "2026-10-24 15:00", now: "2026-11-21 00:30", in: zone),
                "\(zone.identifier): the 24th to the 21st is 28 days, whatever the hour")
        }
    }

    func testIsotretinoinBlocksOnTheClinicsDayNotUTCs() throws {
        // 182 days from 2026-05-23 is 2026-11-21; at 23:30 on the 20th (local) it is 181 days: blocked.
        let zone = zones[0]
        var d = SessionDriver(context: Fixture.context(timeZone: zone))
        d.clock = local("2026-11-20 23:20", in: zone)
        _ = try d.started()
        let answer = ScreeningAnswer(item: "isotretinoin", present: true, lastDate: ClinicDay(string: "2026-05-23"))
        try d.run(.recordScreening(answers: [answer]))
        try d.run(.recordConsent(signedBy: "José Müller"))
        XCTAssertEqual(
            d.attempt(.drawBlood(volumeML: 30, tubes: 3, lot: "T")),
            .blockedByScreening(["Isotretinoin in the last 6 months"]))
    }

    func testHistoryIntervalsAreCalendarDaysInTheClinicsZone() throws {
        let zone = zones[1]
        func summary(_ id: String, at: String) throws -> SessionSummary {
            var d = SessionDriver(id: id, context: Fixture.context(timeZone: zone))
            d.clock = local(at, in: zone)
            _ = try d.started()
            try d.run(.abort(reason: "test"), after: 0)
            var s = try XCTUnwrap(SessionSummary(state: d.state, journalBytes: 0))
            s.status = .completed
            return s
        }
        let h = PatientHistory(
            sessions: [try summary("a", at: "2026-11-20 23:30"), try summary("b", at: "2026-11-21 00:30")],
            protocolSettings: .standard, aftercare: .standard, timeZone: zone)
        XCTAssertEqual(h.rows.map(\.intervalDays), [nil, 1], "an hour apart, across midnight: the next day")
    }

    func testTheClinicsZoneIsASettingThatDefaultsToTheMachines() throws {
        let machine = TimeZone(identifier: "Europe/Paris")!
        XCTAssertEqual(ClinicConfig.standard.timeZone(machine: machine), machine)
        let set = try ConfigLoader.load(text: "[clinic]\ntime_zone = \"Pacific/Honolulu\"\n", file: "c.toml")
        XCTAssertEqual(set.timeZone(machine: machine).identifier, "Pacific/Honolulu")
        XCTAssertThrowsError(
            try ConfigLoader.load(text: "[clinic]\nname = \"X\"\ntime_zone = \"Mars/Olympus\"\n", file: "c.toml")
        ) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("c.toml:3: clinic.time_zone: \"Mars/Olympus\" is not a time zone"), text)
        }
    }
}
