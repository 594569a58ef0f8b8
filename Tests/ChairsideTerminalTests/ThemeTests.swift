import ChairsideCore
import ChairsideStore
import Foundation
import XCTest

@testable import ChairsideTerminal

/// The shipped theme files, the theme format's errors, and how colours degrade by terminal.
final class ThemeTests: XCTestCase {
    static let themesDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Themes").path

    func shipped(_ name: String) throws -> Theme {
        let path = Self.themesDir + "/\(name).toml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        switch ThemeFile.parse(text, name: name, file: path) {
        case .success(let theme): return theme
        case .failure(let error): throw error
        }
    }

    // MARK: shipped themes

    func testEveryShippedThemeParsesAndSetsEveryRole() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.themesDir).filter { $0.hasSuffix(".toml") }
            .sorted()
        XCTAssertEqual(
            files, ["default.toml", "high-contrast.toml", "light.toml", "low-light.toml", "monochrome.toml"])
        for file in files {
            let theme = try shipped(String(file.dropLast(5)))
            XCTAssertEqual(Set(theme.styles.keys), Set(StyleRole.allCases), file)
            XCTAssertFalse(theme.description.isEmpty, file)
        }
    }

    func testCompiledInThemesMatchTheirFiles() throws {
        XCTAssertEqual(try shipped("default").styles, Theme.standard.styles)
        XCTAssertEqual(try shipped("monochrome").styles, Theme.monochrome.styles)
    }

    func testHighContrastMeetsWCAGAAForTextAnd3To1ForBorders() throws {
        let theme = try shipped("high-contrast")
        for role in StyleRole.allCases {
            let style = theme.style(role)
            let fg = try XCTUnwrap(style.fg.rgb, "\(role) needs an explicit foreground to be measured")
            let bg = try XCTUnwrap(style.bg.rgb, "\(role) needs an explicit background to be measured")
            let ratio = RGB.contrast(fg, bg)
            XCTAssertGreaterThanOrEqual(
                ratio, role == .border ? 3 : 4.5, "\(role.rawValue): \(fg.hex) on \(bg.hex) is \(ratio):1")
        }
    }

    func testOrdinaryTextIsReadableInTheLightAndLowLightThemes() throws {
        for name in ["light", "low-light"] {
            let normal = try shipped(name).style(.normal)
            let ratio = RGB.contrast(try XCTUnwrap(normal.fg.rgb), try XCTUnwrap(normal.bg.rgb))
            XCTAssertGreaterThanOrEqual(ratio, 4.5, name)
        }
    }

    func testContrastFormulaMatchesKnownValues() {
        XCTAssertEqual(RGB.contrast(RGB(0, 0, 0), RGB(255, 255, 255)), 21, accuracy: 0.001)
        XCTAssertEqual(RGB.contrast(RGB(0x77, 0x77, 0x77), RGB(255, 255, 255)), 4.48, accuracy: 0.01)
        XCTAssertEqual(RGB.contrast(RGB(10, 20, 30), RGB(10, 20, 30)), 1, accuracy: 0.0001)
    }

    func testWithoutColourTheRolesThatCarryMeaningLookDifferent() throws {
        let mono = try shipped("monochrome")
        let meaningful: [StyleRole] = [.normal, .title, .selected, .warning, .danger, .timerDone]
        let looks = meaningful.map { mono.style($0).attributes }
        XCTAssertEqual(Set(looks).count, meaningful.count, "\(looks)")
        for role in Theme.mustNotRelyOnColour {
            XCTAssertFalse(mono.style(role).attributes.isDisjoint(with: [.bold, .reverse, .underline]), role.rawValue)
        }
        for role in StyleRole.allCases {
            XCTAssertEqual(mono.style(role).fg, .terminalDefault)
            XCTAssertEqual(mono.style(role).bg, .terminalDefault)
        }
    }

    // MARK: the format's errors

    func testEachProblemNamesFileLineAndRoleAndAllAreReported() {
        let text = """
            description = "Broken on purpose"
            [normal]
            fg = "chartreuse"
            bg = "default"
            [title]
            fg = "#12345"
            attrs = ["bold", "blinking"]
            [warning]
            fg = "yellow"
            [sparkle]
            fg = "red"
            """
        guard case .failure(let error) = ThemeFile.parse(text, name: "broken", file: "broken.toml") else {
            return XCTFail("parsed")
        }
        let lines = error.description.split(separator: "\n").map(String.init)
        XCTAssertTrue(
            lines.contains { $0.hasPrefix("broken.toml:3: role normal: fg = \"chartreuse\" is not a colour") },
            error.description)
        XCTAssertTrue(
            lines.contains { $0.hasPrefix("broken.toml:6: role title: fg = \"#12345\" is not a colour") },
            error.description)
        XCTAssertTrue(
            lines.contains { $0.hasPrefix("broken.toml:7: role title: attrs: \"blinking\" is not an attribute") },
            error.description)
        XCTAssertTrue(
            lines.contains { $0.hasPrefix("broken.toml:8: role warning: needs bold, reverse or underline") },
            error.description)
        XCTAssertTrue(lines.contains { $0.hasPrefix("broken.toml:10: unknown role \"sparkle\"") }, error.description)
        XCTAssertTrue(lines.contains { $0.contains("missing roles muted, header, selected") }, error.description)
        XCTAssertEqual(error.problems.map(\.line), error.problems.map(\.line).sorted())
    }

    func testTOMLSyntaxErrorNamesTheLine() {
        guard case .failure(let error) = ThemeFile.parse("[normal]\nfg = \"red\nbg = 1", name: "x", file: "x.toml")
        else { return XCTFail("parsed") }
        XCTAssertEqual(error.problems.count, 1)
        XCTAssertEqual(error.problems[0].line, 2)
        XCTAssertTrue(error.description.hasPrefix("x.toml:2: "), error.description)
    }

    func testColourSpellings() {
        XCTAssertEqual(ThemeColor(parsing: "default"), .terminalDefault)
        XCTAssertEqual(ThemeColor(parsing: "Cyan"), .ansi(6))
        XCTAssertEqual(ThemeColor(parsing: "bright-white"), .ansi(15))
        XCTAssertEqual(ThemeColor(parsing: "#FFd75f"), .rgb(RGB(255, 215, 95)))
        XCTAssertNil(ThemeColor(parsing: "#ffd75"))
        XCTAssertNil(ThemeColor(parsing: "bright-"))
        XCTAssertEqual(ThemeColor(index: 9), .ansi(9))
        XCTAssertEqual(ThemeColor(index: 208), .palette(208))
        XCTAssertNil(ThemeColor(index: 256))
        XCTAssertNil(ThemeColor(index: -1))
    }

    // MARK: colour depth

    func testNearestColoursForEachDepth() {
        let red = ThemeColor.rgb(RGB(255, 0, 0))
        XCTAssertEqual(ColorDepth.indexed(256).number(for: red), 196)
        XCTAssertEqual(ColorDepth.indexed(16).number(for: red), 9)
        XCTAssertEqual(ColorDepth.indexed(8).number(for: red), 1)
        XCTAssertEqual(ColorDepth.direct.number(for: red), 0xFF0000)
        XCTAssertEqual(ColorDepth.none.number(for: red), -1)

        let grey = ThemeColor.rgb(RGB(128, 128, 128))
        XCTAssertEqual(ColorDepth.indexed(256).number(for: grey), 244)
        XCTAssertEqual(ColorDepth.indexed(16).number(for: grey), 8)
        // Mid grey on an 8-colour terminal stays a grey (light), not the nearest hue in RGB (cyan).
        XCTAssertEqual(ColorDepth.indexed(8).number(for: grey), 7)

        let orange = ThemeColor.palette(208)  // #ff8700
        XCTAssertEqual(ColorDepth.indexed(256).number(for: orange), 208)
        XCTAssertEqual(ColorDepth.indexed(16).number(for: orange), 1, "no ANSI orange: red is nearest to the eye")
        XCTAssertEqual(ColorDepth.direct.number(for: orange), 0xFF8700)

        XCTAssertEqual(ColorDepth.indexed(8).number(for: .ansi(11)), 3, "bright yellow falls back to yellow")
        XCTAssertEqual(ColorDepth.indexed(16).number(for: .ansi(11)), 11)
        XCTAssertEqual(ColorDepth.direct.number(for: .ansi(3)), 3, "ANSI colours keep the terminal's palette")
        XCTAssertEqual(ColorDepth.direct.number(for: .ansi(11)), 0xFFFF00)
        XCTAssertEqual(
            ColorDepth.direct.number(for: .rgb(RGB(0, 0, 3))), 8, "RGB values below 8 would read as ANSI colours")
        for depth in [ColorDepth.none, .indexed(8), .indexed(256), .direct] {
            XCTAssertEqual(depth.number(for: .terminalDefault), -1)
        }
    }

    func testNearestNeverPicksTheTerminalDependentFirstSixteenIn256Mode() {
        for v in stride(from: 0, through: 255, by: 15) {
            let n = ColorDepth.indexed(256).number(for: .rgb(RGB(UInt8(v), UInt8(255 - v), UInt8(v / 2))))
            XCTAssertTrue((16..<256).contains(n), "\(v) → \(n)")
        }
    }

    func testDepthDetection() {
        XCTAssertEqual(ColorDepth.detect(environment: ["NO_COLOR": "1"], hasColors: true, colors: 256), .none)
        XCTAssertEqual(ColorDepth.detect(environment: ["NO_COLOR": ""], hasColors: true, colors: 256), .indexed(256))
        XCTAssertEqual(ColorDepth.detect(environment: [:], hasColors: false, colors: 0), .none)
        XCTAssertEqual(ColorDepth.detect(environment: [:], hasColors: true, colors: 8), .indexed(8))
        XCTAssertEqual(ColorDepth.detect(environment: [:], hasColors: true, colors: 16), .indexed(16))
        XCTAssertEqual(ColorDepth.detect(environment: [:], hasColors: true, colors: 88), .indexed(16))
        XCTAssertEqual(
            ColorDepth.detect(environment: ["COLORTERM": "truecolor"], hasColors: true, colors: 256), .indexed(256))
        XCTAssertEqual(
            ColorDepth.detect(environment: ["COLORTERM": "truecolor"], hasColors: true, colors: 1 << 24), .direct)
        XCTAssertEqual(
            ColorDepth.detect(environment: ["COLORTERM": "24bit"], hasColors: true, colors: 1 << 24), .direct)
        XCTAssertEqual(ColorDepth.detect(environment: [:], hasColors: true, colors: 1 << 24), .indexed(256))

        XCTAssertEqual(
            ColorDepth.directTerm(for: "xterm-256color", environment: ["COLORTERM": "truecolor"]), "xterm-direct")
        XCTAssertEqual(ColorDepth.directTerm(for: "tmux-256color", environment: ["COLORTERM": "24bit"]), "tmux-direct")
        XCTAssertNil(ColorDepth.directTerm(for: "xterm-256color", environment: [:]))
        XCTAssertNil(
            ColorDepth.directTerm(for: "xterm-256color", environment: ["COLORTERM": "truecolor", "NO_COLOR": "1"]))
        XCTAssertNil(ColorDepth.directTerm(for: "xterm-direct", environment: ["COLORTERM": "truecolor"]))
    }

    // MARK: library

    func testUserThemesOverrideInstalledAndShippedByNameAndBuiltInsFillTheGaps() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chairside-themes-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let user = root + "/config/chairside/themes"
        let share = root + "/prefix/share/chairside/themes"
        let bin = root + "/prefix/bin"
        for d in [user, share, bin] {
            try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        }
        let light = try String(contentsOfFile: Self.themesDir + "/light.toml", encoding: .utf8)
        try light.write(toFile: share + "/light.toml", atomically: true, encoding: .utf8)
        try light.replacingOccurrences(of: "#f5f5f0", with: "#ffffff").write(
            toFile: user + "/light.toml", atomically: true, encoding: .utf8)
        try "[normal]\nfg = \"nope\"\n".write(toFile: user + "/mine.toml", atomically: true, encoding: .utf8)
        try "not a theme".write(toFile: user + "/notes.txt", atomically: true, encoding: .utf8)

        let sources = ThemeFiles.discover(
            environment: ["XDG_CONFIG_HOME": root + "/config"], executable: bin + "/chairside")
        XCTAssertEqual(sources.map(\.name), ["light", "mine"])
        XCTAssertEqual(sources[0].origin, .user)
        XCTAssertEqual(sources[0].shadows, [.installed])

        let library = ThemeLibrary(sources: sources)
        XCTAssertEqual(library.entries.map(\.name), ["default", "light", "mine", "monochrome"])
        XCTAssertEqual(library.entry(named: "default")?.origin, "built-in")
        XCTAssertEqual(library.resolve("light").theme.style(.normal).bg, .rgb(RGB(255, 255, 255)))
        XCTAssertNil(library.resolve("light").notice)

        let broken = library.resolve("mine")
        XCTAssertEqual(broken.theme, .standard)
        XCTAssertTrue(
            broken.notice?.contains("mine.toml:2: role normal: fg = \"nope\" is not a colour") ?? false,
            broken.notice ?? "")
        let missing = library.resolve("sepia")
        XCTAssertEqual(missing.theme, .standard)
        XCTAssertTrue(missing.notice?.contains("\"sepia\" was not found") ?? false)

        XCTAssertEqual(library.forDepth(library.resolve("light").theme, .none), .monochrome)
        XCTAssertEqual(library.forDepth(library.resolve("light").theme, .indexed(8)).name, "light")
    }

    func testTheSourceTreeThemesAreFoundFromTheBuildFolder() {
        let root = URL(fileURLWithPath: Self.themesDir).deletingLastPathComponent().path
        let dirs = ThemeFiles.shippedDirectories(executable: root + "/.build/x86_64-unknown-linux-gnu/debug/chairside")
        XCTAssertEqual(dirs.map(\.0), [.shipped])
        XCTAssertEqual(dirs.first?.1, root + "/Themes")
    }
}
