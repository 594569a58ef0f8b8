import ArgumentParser
import ChairsideStore
import ChairsideTerminal
import Foundation

struct Themes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "themes",
        abstract: "List the themes and where each comes from, or check a theme file.",
        discussion: """
            Themes come from, highest first: $XDG_CONFIG_HOME/chairside/themes (yours), \
            <prefix>/share/chairside/themes beside an installed binary, the Themes/ folder of \
            the source tree, and the built-in default and monochrome. A file overrides \
            any lower one with the same name. Press T in the console to pick one.
            """)

    @Option(name: .long, help: ArgumentHelp("Check one theme file and list every problem in it.", valueName: "file"))
    var check: String?

    @OptionGroup var options: StoreOptions

    func run() throws {
        if let check { return try checkFile(check) }
        let library = ThemeLibrary(sources: ThemeFiles.discover())
        let chosen = (try? options.loadConfig())?.theme
        print("   NAME            SOURCE      FILE")
        for entry in library.entries {
            var line =
                (entry.name == chosen ? " * " : "   ") + pad(entry.name, 16) + pad(entry.origin, 12)
                + (entry.path ?? "(compiled in)")
            if !entry.shadows.isEmpty { line += "  (overrides \(entry.shadows.joined(separator: ", ")))" }
            if case .failure(let error) = entry.theme {
                line += "\n      cannot be used: \(error.problems.first?.description ?? "")"
            }
            print(line)
        }
        print("* the theme in config.toml. User themes: \(ThemeFiles.userDirectory())")
    }

    private func checkFile(_ path: String) throws {
        let text: String
        switch ThemeFiles.read(path) {
        case .success(let t): text = t
        case .failure(let error): throw Failure("\(path): \(error)")
        }
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        switch ThemeFile.parse(text, name: name, file: path) {
        case .success(let theme):
            print("\(path): theme \"\(theme.name)\" is good: all \(theme.styles.count) roles set.")
        case .failure(let error):
            throw Failure(
                "\(error)\n\(error.problems.count) problem\(error.problems.count == 1 ? "" : "s") in \(path); fix them and check again."
            )
        }
    }

    /// Never truncates (DisplayWidth.pad would): the full name is what goes into config.toml.
    private func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count)
    }
}
