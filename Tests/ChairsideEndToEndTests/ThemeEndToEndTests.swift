import Foundation
import XCTest

/// Themes with the real binary: colours as tmux stores them for each kind of terminal,
/// the picker switching live and saving, a broken theme, `chairside themes`, and an install.
final class ThemeEndToEndTests: EndToEndCase {
    var extra: [String: String] = [:]
    override var env: [String: String] { super.env.merging(extra) { $1 } }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    func writeConfig(_ text: String) throws {
        try FileManager.default.createDirectory(atPath: dir + "/config/chairside", withIntermediateDirectories: true)
        try text.write(toFile: dir + "/config/chairside/config.toml", atomically: true, encoding: .utf8)
    }

    /// The screen with its colours and attributes as SGR sequences.
    var styled: String { tmux.tmux("capture-pane", "-p", "-e", "-t", tmux.session) }

    func startConsole(_ vars: [String: String]) -> String {
        extra = vars
        tmux.start(consoleLine(), width: 100, height: 30)
        tmux.waitFor("n new session")
        return tmux.settled()
    }

    func quit() {
        tmux.send("q")
        tmux.waitFor("EXIT=0")
    }

    func testColoursDegradeFromTrueColourTo256To8ToNone() throws {
        try writeConfig("[clinic]\ntheme = \"light\"\n")
        // light's page is #f5f5f0: exact in true colour, 255 (#eeeeee) in 256, white in 8.
        let trueColour = startConsole(["TERM": "xterm-256color", "COLORTERM": "truecolor"])
        XCTAssertTrue(trueColour.contains("48;2;245;245;240"), trueColour)
        quit()
        tmux.kill()

        for (vars, must, mustNot) in [
            (["TERM": "xterm-256color"], "[48;5;255m", ["48;2;"]),
            (["TERM": "xterm"], "[47m", ["48;2;", "48;5;", "38;5;"]),
        ] {
            tmux = Tmux()
            let screen = startConsole(vars)
            XCTAssertTrue(screen.contains(must), "\(vars): \(screen)")
            for bad in mustNot { XCTAssertFalse(screen.contains(bad), "\(vars) has \(bad): \(screen)") }
            quit()
            tmux.kill()
        }

        // No colour at all: vt100, and NO_COLOR on a colour terminal. The title is reverse video, the headings underlined.
        for vars in [["TERM": "vt100"], ["TERM": "xterm-256color", "NO_COLOR": "1"]] {
            tmux = Tmux()
            let screen = startConsole(vars)
            let colour = try NSRegularExpression(pattern: "\u{1B}\\[[0-9;]*(3[0-7]|4[0-7]|38;|48;)[0-9;]*m")
            XCTAssertNil(
                colour.firstMatch(in: screen, range: NSRange(screen.startIndex..., in: screen)), "\(vars): \(screen)")
            XCTAssertTrue(screen.contains("[1;7m Chairside"), "\(vars): \(screen)")
            XCTAssertTrue(screen.contains("4mStart"), "\(vars): \(screen)")
            quit()
            tmux.kill()
        }
    }

    func testPickerSwitchesLiveAndTheChoiceIsSavedForNextTime() throws {
        var screen = startConsole(["TERM": "xterm-256color"])
        XCTAssertTrue(screen.contains("[1m[30m[46m Chairside".replacingOccurrences(of: "[", with: "\u{1B}[")), screen)
        tmux.send("T")
        tmux.waitFor("Enter use and save")
        tmux.send("Down")  // high-contrast: black on #ffff00 (226) in the title bar
        tmux.waitFor("> high-contrast")
        screen = tmux.settled()
        XCTAssertTrue(screen.contains("48;5;226m Chairside"), screen)
        tmux.send("Enter")
        tmux.waitFor("Theme high-contrast is in use and saved")
        let saved = try String(contentsOfFile: dir + "/config/chairside/config.toml", encoding: .utf8)
        XCTAssertTrue(saved.contains("theme = \"high-contrast\""), saved)
        quit()
        tmux.kill()

        tmux = Tmux()
        screen = startConsole(["TERM": "xterm-256color"])
        XCTAssertTrue(screen.contains("48;5;226m Chairside"), screen)
        quit()
    }

    func testABrokenThemeNeverStopsTheConsole() throws {
        try FileManager.default.createDirectory(
            atPath: dir + "/config/chairside/themes", withIntermediateDirectories: true)
        try "description = \"mine\"\n[normal]\nfg = \"#zzzzzz\"\n".write(
            toFile: dir + "/config/chairside/themes/mine.toml", atomically: true, encoding: .utf8)
        try writeConfig("[clinic]\ntheme = \"mine\"\n")
        let screen = startConsole(["TERM": "xterm-256color"])
        XCTAssertTrue(tmux.screen.contains("Theme \"mine\" has a problem"), tmux.screen)
        XCTAssertTrue(
            screen.contains("[1m[30m[46m Chairside".replacingOccurrences(of: "[", with: "\u{1B}[")),
            "the built-in default draws: \(screen)")
        quit()

        try writeConfig("[clinic]\ntheme = \"sepia\"\n")
        tmux.kill()
        tmux = Tmux()
        _ = startConsole(["TERM": "xterm"])
        XCTAssertTrue(tmux.screen.contains("Theme \"sepia\" was not found"), tmux.screen)
        quit()
    }

    func testThemesListsSourcesAndUserFilesOverrideByName() throws {
        let user = dir + "/config/chairside/themes"
        try FileManager.default.createDirectory(atPath: user, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.packageRoot + "/Themes/light.toml", toPath: user + "/light.toml")
        let r = cli("themes")
        XCTAssertEqual(r.status, 0, r.err)
        for name in ["default", "high-contrast", "low-light", "monochrome"] {
            XCTAssertTrue(
                r.out.split(separator: "\n").contains {
                    $0.contains(" \(name) ") && $0.contains("shipped") && $0.contains("/Themes/\(name).toml")
                }, "\(name): \(r.out)")
        }
        let light = r.out.split(separator: "\n").first { $0.contains(" light ") }.map(String.init) ?? ""
        XCTAssertTrue(
            light.contains("user") && light.contains(user + "/light.toml") && light.contains("(overrides shipped)"),
            r.out)
        XCTAssertTrue(r.out.contains(" * default"), "the config's theme is marked: \(r.out)")
    }

    func testCheckNamesFileLineRoleAndColour() throws {
        let bad = dir + "/bad.toml"
        try "description = \"x\"\n[title]\nfg = \"purple-ish\"\nattrs = [\"bold\"]\n".write(
            toFile: bad, atomically: true, encoding: .utf8)
        let r = cli("themes", "--check", bad)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("\(bad):3: role title: fg = \"purple-ish\" is not a colour"), r.err)
        XCTAssertTrue(r.err.contains("missing roles normal"), r.err)
        let good = cli("themes", "--check", Self.packageRoot + "/Themes/high-contrast.toml")
        XCTAssertEqual(good.status, 0, good.err)
        XCTAssertTrue(good.out.contains("is good"), good.out)
        let missing = cli("themes", "--check", dir + "/nope.toml")
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.err.contains("nope.toml"), missing.err)
    }

    /// README's install step, into a temp prefix: the installed binary finds the themes beside it.
    func testAnInstalledBinaryFindsTheShippedThemes() throws {
        let prefix = dir + "/prefix"
        let install = Tmux.run([
            "sh", "-c",
            """
            cd '\(Self.packageRoot)' && \
            install -Dm755 '\(Tmux.binary)' '\(prefix)/bin/chairside' && \
            install -Dm644 Themes/*.toml -t '\(prefix)/share/chairside/themes'
            """,
        ])
        XCTAssertEqual(install.status, 0, install.err)
        let r = Tmux.run([prefix + "/bin/chairside", "themes"], environment: env)
        XCTAssertEqual(r.status, 0, r.err)
        for name in ["default", "high-contrast", "light", "low-light", "monochrome"] {
            XCTAssertTrue(
                r.out.split(separator: "\n").contains {
                    $0.contains(" \(name) ") && $0.contains("installed")
                        && $0.contains("\(prefix)/share/chairside/themes/\(name).toml")
                }, "\(name): \(r.out)")
        }
        XCTAssertFalse(
            r.out.contains("shipped"), "an installed binary does not reach back into the source tree: \(r.out)")
    }
}
