import ChairsideCore
import Foundation

/// A yes/no question over the screen.
enum ConfirmOverlay {
    enum Action: Sendable { case yes, no, help }

    static let keys = KeyTable<Action>([
        KeyBinding("y", "yes", [(.char("y"), .yes), (.char("Y"), .yes)]),
        KeyBinding("n", "no", [(.char("n"), .no), (.char("N"), .no)]),
        CommonKeys.help(.help),
        KeyBinding(.escape, "Esc", "no", .no),
    ])

    static func update(_ key: Key, _ confirmation: Confirmation, _ m: inout AppModel, now: Date) -> [Effect] {
        switch keys.action(for: key) {
        case .yes?:
            m.overlay = nil
            return SessionScreen.confirmed(confirmation.action, &m, now: now)
        case .no?:
            m.overlay = nil
            m.say("Cancelled.")
        case .help?:
            m.helpOpen = true
        case nil: break
        }
        return []
    }

    static func draw(_ confirmation: Confirmation, in area: Rect, into c: inout Canvas) {
        let w = min(area.width - 8, max(40, DisplayWidth.of(confirmation.text) + 4))
        let lines = DisplayWidth.wrap(confirmation.text, width: w - 4)
        let h = lines.count + 4
        let x = area.x + (area.width - w) / 2
        let y = area.y + (area.height - h) / 2
        c.box(x: x, y: y, width: w, height: h, title: "Confirm")
        for (i, l) in lines.enumerated() { c.put(l, x: x + 2, y: y + 1 + i, role: .warning) }
        c.put(
            keys.help.map { "\($0.keys) \($0.action)" }.joined(separator: " · "), x: x + 2, y: y + h - 2, role: .keyHint
        )
    }
}
