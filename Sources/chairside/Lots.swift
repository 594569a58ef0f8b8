import ArgumentParser
import ChairsideCore
import ChairsideStore
import Foundation

/// `chairside lots …`: the lot register (issue 17).
struct Lots: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lots",
        abstract: "The lot register: products with lot number, expiry and kind.",
        subcommands: [LotsList.self, LotsAdd.self, LotsOpen.self, LotsFinish.self, LotsWithdraw.self],
        defaultSubcommand: LotsList.self)
}

/// Who records a lot event: `--by`, else the clinic's first technician.
struct LotActor: ParsableArguments {
    @Option(help: ArgumentHelp("Who records this (default: the config's first technician).", valueName: "name"))
    var by: String?

    func name(_ config: ClinicConfig) -> String { by ?? config.technicians.first ?? "Technician" }
}

extension LotCommand {
    /// Runs a register command against the store and says what happened, or why not.
    static func run(_ command: LotCommand, options: StoreOptions, actor: LotActor) throws -> Lot? {
        let config = try options.loadConfig()
        let store = try options.openStore(access: .write)
        do {
            let events = try store.recordLot(command, by: actor.name(config), now: Date())
            return try store.lotRegister().lot(events.first?.kind.lot ?? "")
        } catch let refusal as LotRefusal {
            throw Failure(refusal.description)
        }
    }
}

struct LotsAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Register a lot as received (in stock).")

    @OptionGroup var options: StoreOptions
    @OptionGroup var actor: LotActor

    @Argument(help: "The lot number as printed on the package.")
    var lot: String

    @Option(help: ArgumentHelp("What it is: \(LotKind.wordList).", valueName: "kind"))
    var kind: String

    @Option(help: ArgumentHelp("The product's name.", valueName: "name"))
    var product: String

    @Option(
        help: ArgumentHelp(
            "The expiry date on the package: YYYY-MM-DD, or YYYY-MM (then the month's last day).",
            valueName: "date"))
    var expires: String

    func validate() throws {
        guard LotKind(word: kind) != nil else { throw ValidationError("--kind must be one of: \(LotKind.wordList).") }
        guard LotExpiry.parse(expires) != nil else {
            throw ValidationError("--expires must be a real date written YYYY-MM-DD (or YYYY-MM), e.g. 2027-03-31.")
        }
    }

    func run() throws {
        guard let kind = LotKind(word: kind), let day = LotExpiry.parse(expires) else { return }
        let added = try LotCommand.run(
            .add(lot: lot, kind: kind, product: product, expires: day), options: options, actor: actor)
        if let added {
            print(
                "Added lot \(Visible.text(added.number)): \(added.kind.label), \(Visible.text(added.product)), "
                    + "expires \(added.expiryText).")
            if added.isExpired(on: ClinicDay(Date(), timeZone: options.timeZone)) {
                print("Note: this lot is already past its expiry date; sessions will refuse it without a reason.")
            }
        }
    }
}

struct LotsOpen: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "open", abstract: "Mark a lot as opened.")
    @OptionGroup var options: StoreOptions
    @OptionGroup var actor: LotActor
    @Argument(help: "The lot number.") var lot: String

    func run() throws {
        let lot = try LotCommand.run(.open(lot: lot), options: options, actor: actor)
        print("Lot \(Visible.text(lot?.number ?? self.lot)) is open.")
    }
}

struct LotsFinish: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "finish", abstract: "Mark a lot as used up.")
    @OptionGroup var options: StoreOptions
    @OptionGroup var actor: LotActor
    @Argument(help: "The lot number.") var lot: String

    func run() throws {
        let lot = try LotCommand.run(.finish(lot: lot), options: options, actor: actor)
        print("Lot \(Visible.text(lot?.number ?? self.lot)) is finished.")
    }
}

struct LotsWithdraw: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdraw", abstract: "Withdraw a lot (a maker's recall, damage): sessions then refuse it.")
    @OptionGroup var options: StoreOptions
    @OptionGroup var actor: LotActor
    @Argument(help: "The lot number.") var lot: String
    @Option(help: ArgumentHelp("Why (the recall notice, damage …); recorded.", valueName: "text"))
    var reason: String

    func run() throws {
        let lot = try LotCommand.run(.withdraw(lot: lot, reason: reason), options: options, actor: actor)
        print(
            "Lot \(Visible.text(lot?.number ?? self.lot)) is withdrawn. "
                + "`chairside recall \(lot?.number ?? self.lot)` lists the sessions that used it.")
    }
}

struct LotsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the register (every lot, or those expiring soon).")

    @OptionGroup var options: StoreOptions

    @Flag(help: "Only lots in stock or open that expire within the warning days ([lots] expiry_warning_days).")
    var expiring = false

    @Option(help: ArgumentHelp("With --expiring: this many days instead of the setting.", valueName: "n"))
    var days: Int?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        if days != nil && !expiring { throw ValidationError("--days goes with --expiring.") }
        if let days, !(0...3650).contains(days) { throw ValidationError("--days must be 0–3650.") }
    }

    func run() throws {
        let config = try options.loadConfig()
        let store = try options.openStore(access: .read)
        options.warnAboutDamage(store)
        let (register, damage) = try store.lotRegisterAndDamage()
        // Damage in the lot journal on stderr (file, line, event numbers only); the listing goes on.
        damage.warn()
        let today = ClinicDay(Date(), timeZone: options.timeZone)
        let within = days ?? config.lotExpiryWarningDays
        let lots = expiring ? register.expiring(within: within, on: today) : register.all
        if json {
            print(try LotListing.json(lots, today: today, inDoubt: damage.flagged), terminator: "")
        } else {
            print(
                LotListing.table(lots, today: today, expiringWithin: expiring ? within : nil, inDoubt: damage.flagged),
                terminator: "")
        }
    }
}
