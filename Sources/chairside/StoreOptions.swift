import ArgumentParser
import ChairsideCore
import ChairsideStore
import Foundation
import Synchronization

/// Options every command shares: which store, which config.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The store directory (default: $CHAIRSIDE_STORE, else $XDG_DATA_HOME/chairside).", valueName: "dir"))
    var store: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The clinic config file (default: $XDG_CONFIG_HOME/chairside/config.toml).", valueName: "file"))
    var config: String?

    /// The same choices as plain values (what the console's start without arguments uses).
    var settings: StoreSettings { StoreSettings(store: store, config: config) }

    var timeZone: TimeZone { settings.timeZone }
    var configPath: String { settings.configPath }
    var configFolder: String { settings.configFolder }
    func loadAftercareTemplate() -> Result<AftercareTemplate, TemplateError>? { settings.loadAftercareTemplate() }
    func loadAftercareHTMLTemplate() -> Result<AftercareHTMLTemplate, TemplateError>? {
        settings.loadAftercareHTMLTemplate()
    }
    func loadConfig() throws -> ClinicConfig { try settings.loadConfig() }
    func openStore(today: Date = Date(), access: StoreAccess) throws -> Store {
        try settings.openStore(today: today, access: access)
    }
    static func absolute(_ path: String) -> String { StoreSettings.absolute(path) }
}

/// Which store and which config, without the argument parser: `StoreSettings()` is the defaults.
struct StoreSettings {
    var store: String?
    var config: String?

    /// The clinic's calendar day is in this zone: `clinic.time_zone` from the config, else the machine's
    /// (TZ, /etc/localtime). Everything that counts days (the rules, today's list, session IDs) uses it.
    var timeZone: TimeZone { ClinicTimeZone.of(configPath: configPath) }

    var configPath: String { config ?? ConfigFile.defaultPath() }

    /// The clinic's aftercare template beside the config file: nil if there is none.
    func loadAftercareTemplate() -> Result<AftercareTemplate, TemplateError>? {
        AftercareTemplateFile.load(path: AftercareTemplateFile.path(besideConfig: configPath))
    }

    /// The clinic's typeset (HTML) template beside the config file: nil if there is none.
    func loadAftercareHTMLTemplate() -> Result<AftercareHTMLTemplate, TemplateError>? {
        AftercareHTMLTemplateFile.load(path: AftercareHTMLTemplateFile.path(besideConfig: configPath))
    }

    /// The folder of the config file, where a clinic keeps its templates and a logo.
    var configFolder: String { (configPath as NSString).deletingLastPathComponent }

    /// A path as the user typed it, made absolute against the current folder.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    func loadConfig() throws -> ClinicConfig {
        do {
            return try ConfigFile.load(path: configPath)
        } catch {
            throw Failure("\(error)\nFix the config file (see README, Configuration) and start again.")
        }
    }

    /// Opens the store: `read` for commands that only read (they never create or change a store),
    /// `write` for commands that record into an existing one, `create` for the console and `demo`.
    func openStore(today: Date = Date(), access: StoreAccess) throws -> Store {
        let root = StoreLocation.resolve(store)
        do {
            let day = ClinicDay(today, timeZone: timeZone)
            return try Store(root: root, timeZone: timeZone, today: day, access: access)
        } catch {
            throw Failure("Cannot open the store at \(root): \(error)")
        }
    }
}

extension StoreSettings {
    /// What every command says of a folder that is not a store; a store, or no store yet, passes.
    /// Opened read-only: nothing is created or changed.
    func refuseAForeignFolder() throws {
        let root = StoreLocation.resolve(store)
        do {
            _ = try Store(root: root, timeZone: timeZone, today: ClinicDay(Date(), timeZone: timeZone), access: .read)
        } catch {
            switch error {
            case .notAStore, .notAStoreDirectory: throw Failure("Cannot open the store at \(root): \(error)")
            default: return
            }
        }
    }
}

extension StoreOptions {
    /// What a read-only command met and could not repair (it never writes): said on standard error,
    /// so the output stays clean, with what to do.
    func warnAboutDamage(_ store: Store) {
        let damage = store.report.findings.filter(\.isDamage)
        // Damage an earlier repair recorded (its evidence erased from the journals) until someone accepts it.
        let standing = store.openStandingCount
        guard !damage.isEmpty || standing > 0 else { return }
        var text = damage.map { "warning: \($0.text)\n" }.joined()
        if standing > 0 {
            text +=
                "warning: \(standing) finding\(standing == 1 ? "" : "s") of damage found earlier "
                + "\(standing == 1 ? "is" : "are") not yet accepted (`chairside check` lists them; "
                + "`chairside check --accept DAY|patients|lots` records that someone looked).\n"
        }
        text += "warning: run `chairside check` to see the whole store and move aside what does not belong.\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// A failure that is not a usage mistake: ArgumentParser prints it as `Error: …` and exits 1, without the usage text.
struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The clinic's zone, read from the config once per process (every command asks for it several times).
/// A config that cannot be read gives the machine's zone here; the command that loads it says what is wrong.
enum ClinicTimeZone {
    private static let known = Mutex<[String: TimeZone]>([:])

    static func of(configPath: String) -> TimeZone {
        known.withLock { known in
            if let zone = known[configPath] { return zone }
            let zone = ((try? ConfigFile.load(path: configPath)) ?? .standard).timeZone(machine: .current)
            known[configPath] = zone
            return zone
        }
    }
}

extension RecordDamage {
    /// Says the damage on stderr, one line per finding (no patient data: file, line, numbers).
    func warn() {
        guard !isEmpty else { return }
        FileHandle.standardError.write(Data(lines.map { $0 + "\n" }.joined().utf8))
    }
}
