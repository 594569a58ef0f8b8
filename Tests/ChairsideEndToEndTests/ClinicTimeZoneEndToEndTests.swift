import ChairsideCore
import Foundation
import XCTest

/// The clinic's day on the real binary: the machine's zone (TZ) by default, `clinic.time_zone` when set.
/// Honolulu (UTC−10) and Kiritimati (UTC+14) are always a calendar day apart, whatever the hour.
final class ClinicTimeZoneEndToEndTests: EndToEndCase {
    private let honolulu = TimeZone(identifier: "Pacific/Honolulu")!
    private let kiritimati = TimeZone(identifier: "Pacific/Kiritimati")!

    private func todaysDate(_ extra: [String: String]) throws -> String {
        let r = Tmux.run([Tmux.binary, "today", "--json"], environment: env.merging(extra) { $1 })
        XCTAssertEqual(r.status, 0, r.err)
        let doc = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        return try XCTUnwrap(doc?["date"] as? String)
    }

    func testTodayIsTheMachinesDayUnlessTheClinicSetsAZone() throws {
        XCTAssertEqual(cli("demo").status, 0)
        // A run that straddles a midnight in either zone is retried once rather than misread.
        for attempt in 0..<2 {
            let before = ClinicDay(Date(), timeZone: kiritimati)
            let machine = try todaysDate(["TZ": "Pacific/Kiritimati"])
            guard before == ClinicDay(Date(), timeZone: kiritimati) || attempt == 1 else { continue }
            XCTAssertEqual(machine, before.description, "TZ decides the day when the config is silent")
            break
        }
        try FileManager.default.createDirectory(atPath: dir + "/config/chairside", withIntermediateDirectories: true)
        try "[clinic]\ntime_zone = \"Pacific/Honolulu\"\n".write(
            toFile: dir + "/config/chairside/config.toml", atomically: true, encoding: .utf8)
        for attempt in 0..<2 {
            let before = ClinicDay(Date(), timeZone: honolulu)
            let clinic = try todaysDate(["TZ": "Pacific/Kiritimati"])
            guard before == ClinicDay(Date(), timeZone: honolulu) || attempt == 1 else { continue }
            XCTAssertEqual(clinic, before.description, "clinic.time_zone wins over the machine's zone")
            XCTAssertNotEqual(clinic, ClinicDay(Date(), timeZone: kiritimati).description)
            break
        }
    }

    func testAMisspeltZoneIsRefusedWithWhatToType() throws {
        try FileManager.default.createDirectory(atPath: dir + "/config/chairside", withIntermediateDirectories: true)
        try "[clinic]\ntime_zone = \"Europe/Londres\"\n".write(
            toFile: dir + "/config/chairside/config.toml", atomically: true, encoding: .utf8)
        let r = cli("today")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.err.contains("clinic.time_zone: \"Europe/Londres\" is not a time zone"), r.err)
        XCTAssertTrue(r.err.contains("Europe/London"), r.err)
    }
}
