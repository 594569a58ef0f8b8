import ChairsideCore
import ChairsideStore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideTerminal

/// The picker: the cursor restyles at once, Enter keeps and saves, Esc puts back; a broken theme never stops the console.
final class ThemePickerTests: XCTestCase {
    var h: ConsoleHarness!
    var configPath: String { h.dir + "-config/config.toml" }

    override func setUpWithError() throws {
        h = try ConsoleHarness(width: 100, height: 30)
        let sources = ThemeFiles.discover(
            environment: ["XDG_CONFIG_HOME": h.dir + "-none"],
            executable: ThemeTests.themesDir + "/../.build/debug/chairside")
        h.themes = ThemeDesk(library: ThemeLibrary(sources: sources), depth: .indexed(256), configPath: configPath)
        h.start(width: 100, height: 30)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: h.dir + "-config") }

    func testMovingThePickerRestylesAndEscapePutsTheOldThemeBack() {
        XCTAssertEqual(h.app.theme.name, "default")
        XCTAssertEqual(h.press(.char("T")), [])
        XCTAssertTrue(h.text.contains("> default"), h.text)
        for role in StyleRole.allCases {
            XCTAssertEqual(h.screen.role(of: role.rawValue, onRow: row(of: role.rawValue)), role, role.rawValue)
        }
        XCTAssertEqual(h.press(.down), [.restyle])
        XCTAssertEqual(h.app.theme.name, "high-contrast")
        XCTAssertEqual(h.press(.down), [.restyle])
        XCTAssertEqual(h.app.theme.name, "light")
        XCTAssertEqual(h.press(.escape), [.restyle])
        XCTAssertEqual(h.app.theme.name, "default")
        XCTAssertNil(h.app.model.overlay)
        XCTAssertFalse(FileManager.default.fileExists(atPath: configPath), "cancelling saves nothing")
    }

    func testEnterKeepsTheThemeAndSavesItToTheConfig() throws {
        h.press(.char("T"), .down, .down, .down)
        XCTAssertEqual(h.app.theme.name, "low-light")
        XCTAssertEqual(h.press(.enter), [.restyle])
        XCTAssertEqual(h.app.theme.name, "low-light")
        XCTAssertTrue(h.status.contains("saved in \(configPath)"), h.status)
        XCTAssertEqual(try ConfigFile.load(path: configPath).theme, "low-light")
    }

    func testThePickerOpensFromTheSessionConsoleToo() {
        h.startSession()
        XCTAssertEqual(h.app.model.screen, .session)
        h.press(.char("T"), .end)
        XCTAssertEqual(h.app.theme.name, "monochrome")
        h.press(.enter)
        XCTAssertEqual(h.app.model.screen, .session)
        XCTAssertNil(h.app.model.overlay)
    }

    func testWithoutColourThePickedThemeIsSavedButDrawnInMonochrome() throws {
        h.themes.depth = .none
        h.start(width: 100, height: 30)
        h.press(.char("T"), .down, .down)
        XCTAssertEqual(h.app.model.themeName, "light")
        XCTAssertEqual(h.app.theme, .monochrome)
        XCTAssertTrue(h.text.contains("This terminal: no colour."), h.text)
        h.press(.enter)
        XCTAssertEqual(try ConfigFile.load(path: configPath).theme, "light")
    }

    func testABrokenThemeFallsBackToTheDefaultWithANoticeAndCannotBePicked() throws {
        let user = h.dir + "-config/chairside/themes"
        try FileManager.default.createDirectory(atPath: user, withIntermediateDirectories: true)
        try "[normal]\nfg = \"#12\"\n".write(toFile: user + "/broken.toml", atomically: true, encoding: .utf8)
        let library = ThemeLibrary(
            sources: ThemeFiles.discover(
                environment: ["XDG_CONFIG_HOME": h.dir + "-config"], executable: "/nonexistent/bin/chairside"))
        h.themes = ThemeDesk(library: library, depth: .indexed(256), configPath: configPath)
        h.config.theme = "broken"
        h.start(width: 100, height: 30)
        XCTAssertEqual(h.app.theme, .standard)
        XCTAssertTrue(h.status.contains("Theme \"broken\" has a problem"), h.status)
        XCTAssertTrue(h.status.contains("broken.toml:2: role normal: fg = \"#12\" is not a colour"), h.status)
        h.press(.char("T"))
        XCTAssertTrue(h.text.contains("cannot be used: line 2"), h.text)
        XCTAssertEqual(h.app.model.themeName, "default")
        h.press(.home, .enter)  // broken sorts first
        XCTAssertNotNil(h.app.model.overlay, "a broken theme is not taken")
        XCTAssertTrue(h.status.contains("fix the file"), h.status)
        XCTAssertFalse(FileManager.default.fileExists(atPath: configPath))
    }

    private func row(of text: String) -> Int {
        h.text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(text) } ?? -1
    }
}
