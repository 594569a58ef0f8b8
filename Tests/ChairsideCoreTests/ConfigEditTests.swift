import ChairsideCore
import XCTest

/// Saving the theme choice edits one line of config.toml and leaves the clinic's text alone.
final class ConfigEditTests: XCTestCase {
    func testReplacesTheThemeLineAndKeepsCommentsAndOrder() throws {
        let text = """
            # Our clinic
            [clinic]
            name = "Skin Studio"   # shown on the sheet
              theme = "default"    # old choice
            phone = "555"

            [aftercare]
            theme_note = 1
            """
        let edited = ConfigEdit.settingTheme("low-light", in: text)
        XCTAssertEqual(
            edited,
            """
            # Our clinic
            [clinic]
            name = "Skin Studio"   # shown on the sheet
              theme = "low-light"
            phone = "555"

            [aftercare]
            theme_note = 1

            """)
    }

    func testAddsTheLineUnderAnExistingClinicTable() throws {
        let edited = ConfigEdit.settingTheme(
            "light", in: "[protocol]\nnumbing_dwell_target_min = 30\n\n[clinic]\nname = \"A\"\n")
        XCTAssertEqual(
            edited, "[protocol]\nnumbing_dwell_target_min = 30\n\n[clinic]\ntheme = \"light\"\nname = \"A\"\n")
        XCTAssertEqual(try ConfigLoader.load(text: edited, file: "c").theme, "light")
    }

    func testAppendsAClinicTableWhenThereIsNone() throws {
        XCTAssertEqual(ConfigEdit.settingTheme("light", in: ""), "[clinic]\ntheme = \"light\"\n")
        let edited = ConfigEdit.settingTheme("light", in: "# nothing yet\n")
        XCTAssertEqual(edited, "# nothing yet\n\n[clinic]\ntheme = \"light\"\n")
        XCTAssertEqual(try ConfigLoader.load(text: edited, file: "c").theme, "light")
    }

    func testQuotesNamesThatNeedIt() throws {
        let edited = ConfigEdit.settingTheme("a \"b\" \\ c", in: "")
        XCTAssertEqual(try ConfigLoader.load(text: edited, file: "c").theme, "a \"b\" \\ c")
    }
}
