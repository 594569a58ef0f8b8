import ArgumentParser
import ChairsideCore
import ChairsideStore
import Foundation

/// Options every command shares: which store, which config.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store directory (default: $CHAIRSIDE_STORE, else $XDG_DATA_HOME/chairside).", valueName: "dir"))
    var store: String?

    @Option(name: .long, help: ArgumentHelp("The clinic config file (default: $XDG_CONFIG_HOME/chairside/config.toml).", valueName: "file"))
    var config: String?

    /// The same choices as plain values (what the console's start without arguments uses).
    var settings: StoreSettings { StoreSettings(store: store, config: config) }

    var timeZone: TimeZone { settings.timeZone }
    var configPath: String { settings.configPath }
    func loadAftercareTemplate() -> Result<AftercareTemplate, TemplateError>? { settings.loadAftercareTemplate() }
    func loadConfig() throws -> ClinicConfig { try settings.loadConfig() }
    func openStore(today: Date = Date()) throws -> Store { try settings.openStore(today: today) }
}

/// Which store and which config, without the argument parser: `StoreSettings()` is the defaults.
struct StoreSettings {
    var store: String?
    var config: String?

    var timeZone: TimeZone { .current }

    var configPath: String { config ?? ConfigFile.defaultPath() }

    /// The clinic's aftercare template beside the config file: nil if there is none.
    func loadAftercareTemplate() -> Result<AftercareTemplate, TemplateError>? {
        AftercareTemplateFile.load(path: AftercareTemplateFile.path(besideConfig: configPath))
    }

    func loadConfig() throws -> ClinicConfig {
        do {
            return try ConfigFile.load(path: configPath)
        } catch {
            throw Failure("\(error)\nFix the config file (see README, Configuration) and start again.")
        }
    }

    func openStore(today: Date = Date()) throws -> Store {
        let root = StoreLocation.resolve(store)
        do {
            return try Store(root: root, timeZone: timeZone, today: ClinicDay(today, timeZone: timeZone))
        } catch {
            throw Failure("Cannot open the store at \(root): \(error)")
        }
    }
}

/// A failure that is not a usage mistake: ArgumentParser prints it as `Error: …` and exits 1, without the usage text.
struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
