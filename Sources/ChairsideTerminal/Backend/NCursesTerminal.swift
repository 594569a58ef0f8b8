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
    /// Inside a bracketed paste: line breaks and tabs are text, escapes and control codes are dropped.
    private var pasting = false
    private let outputFD: Int32
    /// Key codes of our own for the paste brackets (above every code ncurses defines).
    private static let pasteStart: Int32 = 0x1F00, pasteEnd: Int32 = 0x1F01
    /// How many colours this terminal shows, decided once at start.
    public let colorDepth: ColorDepth

    /// Opens the terminal. When COLORTERM announces true colour, the direct-colour description
    /// of the same family (`xterm-direct` for `xterm-256color`) is tried first, since ncurses
    /// draws 24-bit colour only through one; without it the terminal keeps its palette.
    /// `descriptors` (output, input) put the console on another terminal than stdout/stdin,
    /// such as a pseudo-terminal in the benchmarks.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        descriptors: (output: Int32, input: Int32)? = nil
    ) throws(TerminalError) {
        let term = environment["TERM"] ?? ""
        guard !term.isEmpty else { throw .unusable(term: term) }
        func open(_ name: String?) -> Bool {
            if let (out, inp) = descriptors { return cs_newterm_fds(name ?? term, dup(out), dup(inp)) != nil }
            return cs_newterm(name) != nil
        }
        let direct = ColorDepth.directTerm(for: term, environment: environment)
        guard direct.map({ open($0) }) == true || open(nil) else { throw .unusable(term: term) }
        guard cs_terminal_can_address() != 0 else {
            endwin()
            throw .unusable(term: term)
        }
        cs_install_signal_handlers()
        cbreak()  // Ctrl-C stays a signal, so the handler restores the terminal
        noecho()
        nonl()
        cs_no_flow_control(descriptors?.input ?? STDIN_FILENO)
        keypad(cs_stdscr(), true)
        Self.defineNavigationKeys()
        _ = define_key("\u{1B}[200~", Self.pasteStart)
        _ = define_key("\u{1B}[201~", Self.pasteEnd)
        outputFD = descriptors?.output ?? STDOUT_FILENO
        cs_bracketed_paste(outputFD, 1)
        set_escdelay(25)
        curs_set(0)
        colorDepth = ColorDepth.detect(
            environment: environment, hasColors: has_colors(), colors: Int(cs_terminfo_colors()))
        if colorDepth != .none {
            start_color()
            use_default_colors()
        }
        apply(.standard)
    }

    /// Home, End, PgUp and PgDn arrive as different sequences depending on the terminal and on tmux
    /// or screen in between (`ESC [1~` for Home under tmux while TERM says xterm's `ESC OH`); ncurses
    /// knows only the ones its description lists, so the common others are taught here.
    private static func defineNavigationKeys() {
        let sequences: [(String, Int32)] = [
            ("\u{1B}[1~", KEY_HOME), ("\u{1B}[7~", KEY_HOME), ("\u{1B}[H", KEY_HOME), ("\u{1B}OH", KEY_HOME),
            ("\u{1B}[4~", KEY_END), ("\u{1B}[8~", KEY_END), ("\u{1B}[F", KEY_END), ("\u{1B}OF", KEY_END),
            ("\u{1B}[5~", KEY_PPAGE), ("\u{1B}[6~", KEY_NPAGE),
        ]
        for (sequence, code) in sequences where key_defined(sequence) <= 0 { _ = define_key(sequence, code) }
    }

    /// Restyles every role; what is already on screen changes with the next frame.
    /// Without colour only the attributes are used, so pass a theme made for that (monochrome).
    public func apply(_ theme: Theme) {
        for (i, role) in StyleRole.allCases.enumerated() {
            let style = theme.style(role)
            var attr = cs_a_normal()
            for a in style.attributes {
                switch a {
                case .bold: attr |= cs_a_bold()
                case .dim: attr |= cs_a_dim()
                case .reverse: attr |= cs_a_reverse()
                case .underline: attr |= cs_a_underline()
                }
            }
            var pair: Int16 = 0
            if colorDepth != .none {
                pair = Int16(i + 1)
                _ = cs_init_pair(
                    Int32(pair), Int32(colorDepth.number(for: style.fg)), Int32(colorDepth.number(for: style.bg)))
            }
            pairs[role] = (attr, pair)
        }
        let normal = pairs[.normal] ?? (cs_a_normal(), 0)
        cs_set_background(normal.attr, normal.pair)
    }

    public var size: (width: Int, height: Int) {
        var y: Int32 = 0
        var x: Int32 = 0
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
        while true {
            guard let event = readOne() else { return nil }
            if case .key(let key) = event, let kept = pasted(key) { return .key(kept) }
            if case .resize = event { return event }
        }
    }

    /// What a key means inside a paste (a line break or tab is a space; an escape or control code
    /// is dropped, so a paste can never submit or cancel a form); outside one, itself.
    private func pasted(_ key: Key) -> Key? {
        switch key {
        case .function(let n) where n == Int(Self.pasteStart):
            pasting = true
            return nil
        case .function(let n) where n == Int(Self.pasteEnd):
            pasting = false
            return nil
        default:
            guard pasting else { return key }
            switch key {
            case .enter, .tab: return .char(" ")
            case .char: return key
            default: return nil
            }
        }
    }

    private func readOne() -> TerminalEvent? {
        var ch: wint_t = 0
        let r = wget_wch(cs_stdscr(), &ch)
        if r == ERR { return nil }
        if r == KEY_CODE_YES {
            switch Int32(ch) {
            case Self.pasteStart, Self.pasteEnd: return .key(.function(Int(ch)))
            case KEY_RESIZE:
                let s = size
                return .resize(width: s.width, height: s.height)
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
        cs_bracketed_paste(outputFD, 0)
        curs_set(1)
        endwin()
    }

    deinit { stop() }
}

/// The console loop: draw, wait for a key or the next second, update, hand effects to the queue,
/// take their answers. Nothing slow runs here: the clock and the timers never wait for the disk or
/// the printer.
public enum ConsoleLoop {
    /// While effects are under way the loop looks for their answers this often.
    static let answerPollMs: Int32 = 20
    /// At most this many waiting keys are handled before a frame is drawn again.
    static let maxKeysPerFrame = 256

    public static func run(_ start: AppModel, runner: EffectRunner, terminal: NCursesTerminal, clock: () -> Date) {
        var model = start
        let queue = EffectQueue(runner: runner)
        let size = terminal.size
        model.width = size.width
        model.height = size.height
        terminal.apply(model.theme)
        // The first frame before any work is handed out: the lot register and the day's list are read
        // beside the loop, and their answers fill the screen as they come (the loop polls for them).
        terminal.present(AppView.render(model, now: clock()))
        var effects = ConsoleUpdate.start(&model)
        loop: while true {
            for effect in effects {
                switch effect.output {
                case .quit?: break loop
                case .restyle?: terminal.apply(model.theme)
                case .bell?: terminal.bell()
                case nil: queue.submit(effect)
                }
            }
            terminal.present(AppView.render(model, now: clock()))
            effects = []
            let busy = model.waiting > 0 || model.printing != nil
            // Wake at the next wall-clock second so the timers never stall while nobody types.
            let fraction = clock().timeIntervalSince1970.truncatingRemainder(dividingBy: 1)
            let second = Int32(max(1, min(1000, ((1 - fraction) * 1000).rounded(.up))))
            switch terminal.read(timeoutMs: busy ? min(second, answerPollMs) : second) {
            case .key(let key)?:
                effects += ConsoleUpdate.update(&model, .key(key), now: clock())
                // Keys already waiting (a paste, a fast typist) are taken before the next frame.
                drain: for _ in 0..<maxKeysPerFrame {
                    switch terminal.read(timeoutMs: 0) {
                    case .key(let next)?: effects += ConsoleUpdate.update(&model, .key(next), now: clock())
                    case .resize(let w, let h)?:
                        effects += ConsoleUpdate.update(&model, .resize(width: w, height: h), now: clock())
                    case nil: break drain
                    }
                }
                effects += ConsoleUpdate.update(&model, .tick, now: clock())
            case .resize(let w, let h)?:
                effects += ConsoleUpdate.update(&model, .resize(width: w, height: h), now: clock())
            case nil: effects += ConsoleUpdate.update(&model, .tick, now: clock())
            }
            for answer in queue.drain() {
                effects += ConsoleUpdate.update(&model, .result(answer), now: clock())
            }
        }
        queue.finish()
        terminal.stop()
    }
}
