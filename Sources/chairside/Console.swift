import ArgumentParser
import ChairsideCore
import ChairsidePrinting
import ChairsideStore
import ChairsideTerminal
import Foundation

struct Console: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Open the treatment-room console (the default).")

    @OptionGroup var options: StoreOptions

    func run() throws { try Self.open(options.settings) }

    static func open(_ options: StoreSettings) throws {
        // Without a terminal on both ends the console could neither read keys nor draw; say so at once
        // instead of waiting on input that never comes.
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            // A folder that is not a store is refused first, as every command refuses it.
            try options.refuseAForeignFolder()
            throw NoTerminal()
        }
        let config = try options.loadConfig()
        let store = try options.openStore(access: .create)
        let library = ThemeLibrary(sources: ThemeFiles.discover())
        let terminal = try NCursesTerminal()
        let size = terminal.size
        let desk = AftercareDesk(
            template: options.loadAftercareTemplate(), htmlTemplate: options.loadAftercareHTMLTemplate(),
            typesetter: SheetTypesetter(baseFolder: options.configFolder), queue: config.printer)
        let themes = ThemeDesk(library: library, depth: terminal.colorDepth, configPath: options.configPath)
        let model = AppModel.starting(
            store: store, config: config, timeZone: options.timeZone, width: size.width,
            height: size.height, now: Date(), desk: desk, themes: themes)
        let runner = EffectRunner(store: store, printer: desk.printer, typesetter: desk.typesetter)
        ConsoleLoop.run(model, runner: runner, terminal: terminal, clock: Date.init)
    }
}

struct NoTerminal: Error, CustomStringConvertible {
    var description: String {
        "The console needs a terminal on standard input and output. "
            + "Run chairside in a terminal, or use a subcommand such as `chairside today` in scripts."
    }
}
