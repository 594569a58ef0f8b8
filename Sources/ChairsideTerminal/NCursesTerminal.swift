import CNCurses
import Foundation
#if canImport(Glibc)
import Glibc
#endif

public enum TerminalError: Error, CustomStringConvertible {
    case unusable(term: String)

    public var description: String {
        switch self {
        case .unusable(let term):
            "The terminal type \"\(term)\" cannot run a full-screen console. Run chairside in a terminal such as xterm-256color, or set TERM to match your terminal."
        }
    }
}

public enum TerminalEvent: Equatable {
    case key(Key)
    case resize(width: Int, height: Int)
}

/// The only code that calls ncurses. Create it, present canvases, read keys, stop it.
/// Everything runs on the main thread, as ncurses requires.
public final class NCursesTerminal {
    private var pairs: [StyleRole: (attr: attr_t, pair: Int16)] = [:]
    private var stopped = false

    public init(monochrome: Bool) throws(TerminalError) {
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        guard !term.isEmpty, cs_newterm(nil) != nil else { throw .unusable(term: term) }
        guard cs_terminal_can_address() != 0 else {
            endwin()
            throw .unusable(term: term)
        }
        cs_install_signal_handlers()
        cbreak()        // Ctrl-C stays a signal, so the handler restores the terminal
        noecho()
        nonl()
        keypad(cs_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        let color = !monochrome && has_colors()
        if color {
            start_color()
            use_default_colors()
        }
        setupStyles(color ? .standard : .monochrome, color: color)
    }

    private func setupStyles(_ theme: Theme, color: Bool) {
        for (i, role) in StyleRole.allCases.enumerated() {
            let style = theme.styles[role] ?? Theme.Style(fg: .terminalDefault, bg: .terminalDefault)
            var attr = cs_a_normal()
            if style.bold { attr |= cs_a_bold() }
            if style.dim { attr |= cs_a_dim() }
            if style.reverse { attr |= cs_a_reverse() }
            if style.underline { attr |= cs_a_underline() }
            var pair: Int16 = 0
            if color {
                pair = Int16(i + 1)
                init_pair(pair, style.fg.rawValue, style.bg.rawValue)
            }
            pairs[role] = (attr, pair)
        }
    }

    public var size: (width: Int, height: Int) {
        var y: Int32 = 0, x: Int32 = 0
        cs_getmaxyx(cs_stdscr(), &y, &x)
        return (Int(x), Int(y))
    }

    public func present(_ canvas: Canvas) {
        var chars = [wchar_t](repeating: 0, count: 8)
        for y in 0..<canvas.height {
            for x in 0..<canvas.width {
                let cell = canvas[x, y]
                if cell.text.isEmpty { continue }
                var n = 0
                for scalar in cell.text.unicodeScalars where n < 7 {
                    chars[n] = wchar_t(bitPattern: scalar.value)
                    n += 1
                }
                chars[n] = 0
                let style = pairs[cell.role] ?? (cs_a_normal(), 0)
                _ = cs_put_cell(Int32(y), Int32(x), chars, style.attr, style.pair)
            }
        }
        refresh()
    }

    /// Waits for a key at most `timeoutMs`; nil when the time ran out (a tick).
    public func read(timeoutMs: Int32) -> TerminalEvent? {
        wtimeout(cs_stdscr(), timeoutMs)
        var ch: wint_t = 0
        let r = wget_wch(cs_stdscr(), &ch)
        if r == ERR { return nil }
        if r == KEY_CODE_YES {
            switch Int32(ch) {
            case KEY_RESIZE: let s = size; return .resize(width: s.width, height: s.height)
            case KEY_UP: return .key(.up)
            case KEY_DOWN: return .key(.down)
            case KEY_LEFT: return .key(.left)
            case KEY_RIGHT: return .key(.right)
            case KEY_NPAGE: return .key(.pageDown)
            case KEY_PPAGE: return .key(.pageUp)
            case KEY_HOME: return .key(.home)
            case KEY_END: return .key(.end)
            case KEY_BACKSPACE: return .key(.backspace)
            case KEY_DC: return .key(.delete)
            case KEY_ENTER: return .key(.enter)
            case KEY_BTAB: return .key(.backTab)
            case cs_key_f(1)...cs_key_f(12): return .key(.function(Int(Int32(ch) - cs_key_f(0))))
            default: return .key(.unknown)
            }
        }
        return .key(Self.decode(UInt32(ch)))
    }

    static func decode(_ v: UInt32) -> Key {
        switch v {
        case 10, 13: return .enter
        case 9: return .tab
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(UnicodeScalar(v + 96)!))
        case 0...31, 0x80...0x9F: return .unknown
        default:
            guard let scalar = UnicodeScalar(v) else { return .unknown }
            return .char(Character(scalar))
        }
    }

    public func bell() { beep() }

    public func stop() {
        guard !stopped else { return }
        stopped = true
        curs_set(1)
        endwin()
    }

    deinit { stop() }
}

/// The console loop: draw, wait for a key or the next second, update, repeat.
public enum ConsoleLoop {
    public static func run(_ app: App, terminal: NCursesTerminal) {
        let s = terminal.size
        app.handle(.resize(width: s.width, height: s.height))
        while true {
            terminal.present(app.render())
            // Wake at the next wall-clock second so the timers never stall while nobody types.
            let fraction = app.now.timeIntervalSince1970.truncatingRemainder(dividingBy: 1)
            let wait = Int32(max(1, min(1000, ((1 - fraction) * 1000).rounded(.up))))
            let outputs: [Output]
            switch terminal.read(timeoutMs: wait) {
            case .key(let key)?: outputs = app.handle(.key(key)) + app.handle(.tick)
            case let .resize(w, h)?: outputs = app.handle(.resize(width: w, height: h))
            case nil: outputs = app.handle(.tick)
            }
            if outputs.contains(.bell) { terminal.bell() }
            if outputs.contains(.quit) { break }
        }
        app.shutdown()
        terminal.stop()
    }
}
