import ChairsideCore
import ChairsidePrinting
import ChairsideStore
import Foundation

extension AppModel {
    /// A console's first model: the configured theme (or why it could not be used) and any damage
    /// the store repaired on opening, on the status line.
    public static func starting(
        store: Store, config: ClinicConfig, timeZone: TimeZone, width: Int, height: Int, now: Date,
        notice: String? = nil, desk: AftercareDesk, themes: ThemeDesk
    ) -> AppModel {
        let env = ConsoleEnvironment(
            themes: themes, template: desk.template, htmlTemplate: desk.htmlTemplate, queue: desk.queue,
            aftercareFolder: store.root + "/aftercare",
            newSessionID: { Store.newSessionID(startedAt: $0, timeZone: $1) })
        var m = AppModel(config: config, timeZone: timeZone, width: width, height: height, now: now, env: env)
        let (theme, themeNotice) = themes.library.resolve(config.theme)
        m.themeName = theme.name
        if let notice = notice ?? themeNotice { m.say(notice, .warning) }
        if store.report.hasDamage {
            m.say(
                "The store has damage: damaged lines are kept and named, nothing intact was lost. Run `chairside check`.",
                .warning)
        }
        return m
    }

    /// What the terminal should draw with now: the chosen (or previewed) theme, or its monochrome
    /// stand-in on a terminal without colour.
    public var theme: Theme {
        let library = env.themes.library
        return library.forDepth(library.resolve(themeName).theme, env.themes.depth)
    }
}

/// The console driven one message at a time, every effect performed where it is asked for and its
/// answer fed straight back: for tests and benchmarks, which want each key's whole outcome at once.
/// The real console runs the same update with `ConsoleLoop`, effects off the loop.
public final class App {
    public private(set) var model: AppModel
    let runner: EffectRunner
    let clock: () -> Date

    public init(
        store: Store, config: ClinicConfig, timeZone: TimeZone, width: Int, height: Int, clock: @escaping () -> Date,
        notice: String? = nil, desk: AftercareDesk = AftercareDesk(), themes: ThemeDesk = ThemeDesk()
    ) {
        self.clock = clock
        runner = EffectRunner(store: store, printer: desk.printer, typesetter: desk.typesetter)
        model = .starting(
            store: store, config: config, timeZone: timeZone, width: width, height: height, now: clock(),
            notice: notice, desk: desk, themes: themes)
        perform(ConsoleUpdate.start(&model))
    }

    public var now: Date { clock() }
    public var theme: Theme { model.theme }

    public func render() -> Canvas { AppView.render(model, now: now) }

    /// Updates with the message, performs what it asks, and returns what the terminal should do.
    @discardableResult
    public func handle(_ message: Message) -> [Output] {
        perform(ConsoleUpdate.update(&model, message, now: now))
    }

    @discardableResult
    private func perform(_ effects: [Effect]) -> [Output] {
        var outputs: [Output] = []
        var pending = effects
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            if let output = effect.output {
                outputs.append(output)
            } else if let answer = runner.perform(effect) {
                pending += ConsoleUpdate.update(&model, .result(answer), now: now)
            }
        }
        return outputs
    }

    /// Releases the session lock; called when the console exits.
    public func shutdown() { runner.shutdown() }
}
