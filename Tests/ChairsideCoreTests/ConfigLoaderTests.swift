import ChairsideCore
import XCTest

final class ConfigLoaderTests: XCTestCase {
    func testEmptyFileGivesBuiltInDefaults() throws {
        XCTAssertEqual(try ConfigLoader.load(text: "# nothing\n", file: "config.toml"), .standard)
    }

    func testFullConfigIsRead() throws {
        let text = """
            [clinic]
            name = "Northside Skin"   # shown on the sheet
            phone = "+44 20 7946 0000"
            technicians = ["Alex Rivera",
                           "Sam Okafor"]
            rooms = ['Room 1', "Room 2"]
            printer = "frontdesk"

            [protocol]
            depth_step_mm = 0.25
            device_max_depth_mm = 2.5
            numbing_dwell_target_min = 25
            numbing_dwell_max_min = 40
            prp_age_limit_min = 180
            min_interval_days = 30

            [[protocol.zone]]
            id = "cheeks"
            name = "Cheeks"
            default_depth_mm = 1.0
            max_depth_mm = 1.5

            [[protocol.zone]]
            id = "scars"
            default_depth_mm = 1.5
            max_depth_mm = 2

            [[protocol.contraindication]]
            id = "pregnancy"
            label = "Pregnant"
            severity = "block"
            """
        let c = try ConfigLoader.load(text: text, file: "config.toml")
        XCTAssertEqual(c.clinicName, "Northside Skin")
        XCTAssertEqual(c.technicians, ["Alex Rivera", "Sam Okafor"])
        XCTAssertEqual(c.rooms, ["Room 1", "Room 2"])
        XCTAssertEqual(c.printer, "frontdesk")
        XCTAssertEqual(c.protocolSettings.numbingDwellTargetMinutes, 25)
        XCTAssertEqual(c.protocolSettings.minimumIntervalDays, 30)
        XCTAssertEqual(c.protocolSettings.zones.map(\.id), ["cheeks", "scars"])
        XCTAssertEqual(c.protocolSettings.zones[1].maxDepth, 2)
        XCTAssertEqual(c.protocolSettings.contraindications.map(\.label), ["Pregnant"])
    }

    private func error(_ text: String) -> ConfigError? {
        do {
            _ = try ConfigLoader.load(text: text, file: "/etc/config.toml")
            return nil
        } catch { return error }
    }

    func testUnknownKeyNamesFileLineAndKey() {
        let e = error("[clinic]\nname = \"A\"\nphnoe = \"1\"\n")
        XCTAssertEqual(e?.line, 3)
        XCTAssertEqual(e?.key, "clinic.phnoe")
        XCTAssertEqual(
            e?.description.hasPrefix("/etc/config.toml:3: clinic.phnoe: is not a setting"), true, e?.description ?? "")
    }

    func testWrongTypeNamesTheKey() {
        let e = error("[protocol]\n\nmin_interval_days = \"four weeks\"\n")
        XCTAssertEqual(
            e,
            ConfigError(
                file: "/etc/config.toml", line: 3, key: "protocol.min_interval_days",
                message: "must be a whole number, not a string"))
    }

    func testZoneDeeperThanDeviceIsRefused() {
        let e = error(
            "[protocol]\ndevice_max_depth_mm = 2.0\n[[protocol.zone]]\nid = \"x\"\ndefault_depth_mm = 1\nmax_depth_mm = 2.25\n"
        )
        XCTAssertEqual(e?.line, 6)
        XCTAssertEqual(e?.key, "protocol.zone.max_depth_mm")
    }

    func testDefaultDeeperThanMaxIsRefused() {
        XCTAssertEqual(error("[[protocol.zone]]\nid = \"x\"\ndefault_depth_mm = 1.5\nmax_depth_mm = 1\n")?.line, 3)
    }

    func testDwellMaximumBelowTargetIsRefused() {
        XCTAssertEqual(
            error("[protocol]\nnumbing_dwell_target_min = 30\nnumbing_dwell_max_min = 20\n")?.key,
            "protocol.numbing_dwell_max_min")
    }

    func testSyntaxErrorsNameTheLine() {
        XCTAssertEqual(error("[clinic]\nname = \"unterminated\n")?.line, 2)
        XCTAssertEqual(error("[clinic]\nname = \"a\"\nname = \"b\"\n")?.message, "name is set twice")
        XCTAssertEqual(error("[clinic\n")?.line, 1)
        XCTAssertEqual(
            error("[clinic]\nrooms = {a = 1}\n")?.message, "inline tables are not supported; use a [table] header")
        XCTAssertEqual(error("just words\n")?.message, "expected `key = value`")
        XCTAssertEqual(error("[clinic]\nrooms = []\n")?.message, "needs at least one entry")
        XCTAssertEqual(error("[[protocol.contraindication]]\nid = \"x\"\nseverity = \"maybe\"\n")?.line, 3)
    }
}

final class AftercareConfigTests: XCTestCase {
    func testAftercareSettingsAreReadFromTheConfig() throws {
        let text = """
            [aftercare]
            paper = "letter"
            sun_avoid_days = 7
            series_min = 3
            series_max = 5

            [[aftercare.downtime]]
            up_to_mm = 1.0
            min_days = 1
            max_days = 2

            [[aftercare.downtime]]
            up_to_mm = 2.5
            min_days = 3
            max_days = 4
            """
        let config = try ConfigLoader.load(text: text, file: "c.toml")
        XCTAssertEqual(config.aftercare.paper, .letter)
        XCTAssertEqual(config.aftercare.sunAvoidDays, 7)
        XCTAssertEqual(config.aftercare.seriesMax, 5)
        XCTAssertEqual(config.aftercare.downtime(forDepth: 1.5), DowntimeBand(upToDepth: 2.5, minDays: 3, maxDays: 4))
        XCTAssertEqual(config.aftercare.makeupFreeHours, AftercareSettings.standard.makeupFreeHours)
    }

    func testBadAftercareSettingsNameLineAndKey() {
        let cases: [(String, String)] = [
            ("[aftercare]\npaper = \"a5\"\n", "c.toml:2: aftercare.paper: must be \"a4\" or \"letter\", not \"a5\""),
            (
                "[aftercare]\nseries_min = 6\nseries_max = 4\n",
                "c.toml:3: aftercare.series_max: must be at least series_min (6)"
            ),
            (
                "[aftercare]\nsun_days = 3\n",
                "c.toml:2: aftercare.sun_days: is not a setting Chairside knows; check the spelling against the README"
            ),
            (
                "[aftercare]\nnext_visit_max_days = 14\n",
                "c.toml:2: aftercare.next_visit_max_days: must be at least protocol.min_interval_days (28)"
            ),
            (
                "[[aftercare.downtime]]\nup_to_mm = 1.0\nmin_days = 1\nmax_days = 2\n[[aftercare.downtime]]\nup_to_mm = 0.5\nmin_days = 1\nmax_days = 2\n",
                "c.toml:6: aftercare.downtime.up_to_mm: list the bands shallowest first"
            ),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try ConfigLoader.load(text: text, file: "c.toml"), text) { error in
                XCTAssertEqual((error as? ConfigError)?.description, message)
            }
        }
    }
}
