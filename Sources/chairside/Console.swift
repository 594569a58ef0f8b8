import ArgumentParser
import ChairsideStore
import ChairsideCore
import ChairsideTerminal
import Foundation

struct Console: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Open the treatment-room console (the default).")

    @OptionGroup var options: StoreOptions

    func run() throws { try Self.open(options.settings) }

    static func open(_ options: StoreSettings) throws {
        let config = try options.loadConfig()
        let store = try options.openStore()
        let library = ThemeLibrary(sources: ThemeFiles.discover())
        let terminal = try NCursesTerminal()
        let size = terminal.size
        let desk = AftercareDesk(template: options.loadAftercareTemplate(), queue: config.printer)
        let themes = ThemeDesk(library: library, depth: terminal.colorDepth, configPath: options.configPath)
        let app = App(store: store, config: config, timeZone: options.timeZone, width: size.width, height: size.height,
                      clock: Date.init, desk: desk, themes: themes)
        ConsoleLoop.run(app, terminal: terminal)
    }
}
