import CNCurses
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// chairside-floor: the benchmark's floor. The least a Swift program that links Foundation and
// ncursesw can do to show a full-screen frame: start, open the terminal as the console does,
// paint every cell of one frame (with the console's bottom line, so the benchmark sees it the
// same way), and wait for `q`. Foundation is linked and started (the environment is read through
// it) but asked for nothing else. The console's start-up figures are reported as multiples of this.

setlocale(LC_ALL, "")
let environment = ProcessInfo.processInfo.environment
guard let term = environment["TERM"], !term.isEmpty, cs_newterm(nil) != nil else {
    FileHandle.standardError.write(Data("chairside-floor needs a terminal (TERM).\n".utf8))
    exit(1)
}
cs_install_signal_handlers()
cbreak()
noecho()
nonl()
keypad(cs_stdscr(), true)
curs_set(0)
if has_colors() {
    start_color()
    use_default_colors()
    _ = cs_init_pair(1, 7, -1)
}
let height = Int(cs_lines())
let width = Int(cs_cols())
let filler = Array("Floor · \(width)×\(height) · the quick brown fox jumps over the lazy dog · ".unicodeScalars)
var chars = [wchar_t](repeating: 0, count: 2)
for y in 0..<height {
    let hints = Array("↑↓ select · Enter open · n new session · ? help · q quit".unicodeScalars)
    for x in 0..<width {
        let scalar = y < height - 1 ? filler[(x + y) % filler.count] : x < hints.count ? hints[x] : " "
        chars[0] = wchar_t(bitPattern: scalar.value)
        _ = cs_put_cell(Int32(y), Int32(x), chars, cs_a_normal(), 1)
    }
}
refresh()
wtimeout(cs_stdscr(), -1)
var key: wint_t = 0
while wget_wch(cs_stdscr(), &key) != ERR && key != wint_t(UInt8(ascii: "q")) {}
endwin()
