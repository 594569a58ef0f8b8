import ArgumentParser
import ChairsideStore
import ChairsideCore
import ChairsideTerminal
import Foundation

struct Console: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Open the treatment-room console (the default).")

    @OptionGroup var options: StoreOptions

    func run() throws {
        let config = try options.loadConfig()
        let store = try options.openStore()
        let terminal = try NCursesTerminal(monochrome: ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false)
        let size = terminal.size
        let desk = AftercareDesk(template: options.loadAftercareTemplate(), queue: config.printer)
        let app = App(store: store, config: config, timeZone: options.timeZone, width: size.width, height: size.height,
                      clock: Date.init, desk: desk)
        ConsoleLoop.run(app, terminal: terminal)
    }
}
