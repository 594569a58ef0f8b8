import ArgumentParser
import ChairsideCore
import ChairsideStore
import Foundation

/// `chairside recall LOT`: every session and patient that recorded a lot (issue 17).
struct Recall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recall",
        abstract: "List every session and patient that used a lot, for a product recall.")

    @OptionGroup var options: StoreOptions

    @Argument(help: "The lot number (case and surrounding spaces do not matter).")
    var lot: String

    @Flag(help: "Print CSV (columns in README) instead of a table.")
    var csv = false

    @Flag(help: "With --csv: add a byte-order mark so a spreadsheet opens the names correctly.")
    var excel = false

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        if json && csv { throw ValidationError("Choose one of --json and --csv.") }
        if excel && !csv { throw ValidationError("--excel goes with --csv.") }
        if LotRegister.key(lot).isEmpty { throw ValidationError("Give the lot number to recall.") }
    }

    func run() throws {
        let config = try options.loadConfig()
        let store = try options.openStore(access: .read)
        options.warnAboutDamage(store)
        let entries = try store.recall(lot: lot)
        let (register, damage) = try store.lotRegisterAndDamage()
        let registered = register.lot(lot)
        damage.warn()
        if damage.flagged.contains(LotRegister.key(lot)) {
            FileHandle.standardError.write(
                Data("!! an unreadable line names this lot: its status in the register may be wrong.\n".utf8))
        }
        if csv {
            let text = RecallReport.csv(entries, timeZone: options.timeZone)
            print(excel ? CSV.excel(text) : text, terminator: "")
        } else if json {
            print(
                try RecallReport.json(
                    lot: lot, register: registered, entries: entries,
                    today: ClinicDay(Date(), timeZone: options.timeZone)), terminator: "")
        } else {
            print(
                RecallReport.table(
                    lot: lot, register: registered, entries: entries, proto: config.protocolSettings,
                    timeZone: options.timeZone, statusInDoubt: damage.flagged.contains(LotRegister.key(lot))),
                terminator: "")
        }
    }
}
