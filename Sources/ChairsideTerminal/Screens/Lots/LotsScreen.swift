import ChairsideCore
import Foundation

/// The lot register: every lot with its expiry and status; add, open, finish, withdraw, recall.
public struct LotsScreen: Sendable {
    public var selected = 0
    /// Where Esc goes back to.
    public var returnTo: AppModel.Screen = .today

    enum Action: Sendable { case up, down, add, open, finish, withdraw, recall, recallAny, back, help }

    static let keys = KeyTable<Action>([
        KeyBinding("↑↓", "select", hint: false, [(.up, .up), (.char("k"), .up), (.down, .down), (.char("j"), .down)]),
        KeyBinding(.char("a"), "a", "add lot", .add),
        KeyBinding(.char("o"), "o", "open", .open),
        KeyBinding(.char("f"), "f", "finished", hint: false, .finish),
        KeyBinding(.char("w"), "w", "withdraw", .withdraw),
        KeyBinding(.enter, "Enter", "recall", .recall),
        KeyBinding(.char("R"), "R", "recall any lot number", hint: false, .recallAny),
        KeyBinding("Esc", "back", [(.escape, .back), (.char("q"), .back)]),
        CommonKeys.help(.help),
    ])

    /// The lots in the order the screen lists them: in use first (soonest expiry first), then the rest.
    static func rows(_ register: LotRegister) -> [Lot] {
        let all = register.all
        func inUse(_ l: Lot) -> Bool { l.status == .inStock || l.status == .open }
        return all.filter(inUse).sorted(by: Lot.byExpiry)
            + all.filter { !inUse($0) }.reversed()
    }

    static func open(_ m: inout AppModel) -> [Effect] {
        m.lots = LotsScreen(selected: 0, returnTo: m.screen == .lots ? m.lots.returnTo : m.screen)
        m.screen = .lots
        m.status = nil
        return [.loadLots]
    }

    static func update(_ action: Action, _ m: inout AppModel, now: Date) -> [Effect] {
        let rows = rows(m.lotRegister)
        let lot = m.lots.selected < rows.count ? rows[m.lots.selected] : nil
        switch action {
        case .help: m.helpOpen = true
        case .back: m.screen = m.lots.returnTo
        case .up: m.lots.selected = max(0, m.lots.selected - 1)
        case .down: m.lots.selected = min(max(0, rows.count - 1), m.lots.selected + 1)
        case .add: m.overlay = .form(OpenForm(LotAddForm(technicians: m.config.technicians)))
        case .recallAny: m.overlay = .form(OpenForm(RecallLotForm()))
        case .open, .finish, .withdraw, .recall:
            guard let lot else {
                m.say("The register is empty: press a to add a lot.")
                return []
            }
            let by = m.config.technicians.first ?? "Technician"
            switch action {
            case .open: return [.recordLot(.open(lot: lot.number), by: by)]
            case .finish:
                // Finishing cannot be undone (a finished lot is never offered or opened again): ask first.
                let text =
                    "Mark lot \(Visible.text(lot.number)) (\(Visible.text(lot.product))) as finished? "
                    + "It cannot be opened or offered again."
                m.overlay = .confirm(Confirmation(text: text, action: .finishLot(lot: lot.number, by: by)))
            case .withdraw:
                m.overlay = .form(OpenForm(LotWithdrawForm(lot: lot.number, technicians: m.config.technicians)))
            default: return [.recall(lot: lot.number)]
            }
        }
        return []
    }

    static func loaded(_ register: LotRegister, _ m: inout AppModel) {
        m.lotRegister = register
        m.lotsLoaded = true
        m.lots.selected = min(m.lots.selected, max(0, rows(register).count - 1))
    }

    static func recorded(_ register: LotRegister, events: [LotEvent], _ m: inout AppModel) {
        loaded(register, &m)
        // From a session form the register follows quietly; the session's own answer closes the form.
        guard m.screen == .lots else { return }
        if case .form = m.overlay { m.overlay = nil }
        guard let e = events.first else { return }
        let lot = Visible.text(e.kind.lot)
        switch e.kind {
        case .added: m.say("Lot \(lot) added to the register.", .ok)
        case .opened: m.say("Lot \(lot) is open.", .ok)
        case .finished: m.say("Lot \(lot) is finished.", .ok)
        case .withdrawn: m.say("Lot \(lot) is withdrawn: sessions refuse it. Enter lists who received it.", .warning)
        }
        if let i = rows(register).firstIndex(where: { LotRegister.key($0.number) == LotRegister.key(e.kind.lot) }) {
            m.lots.selected = i
        }
    }
}
