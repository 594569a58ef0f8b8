// The only C in Chairside: ncursesw with wide characters, plus accessors for
// the globals and macros that Swift 6 cannot import directly.
#ifndef CHAIRSIDE_NCURSES_SHIM_H
#define CHAIRSIDE_NCURSES_SHIM_H

// SwiftPM drops pkg-config's defines, so ask for the wide API ourselves.
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <signal.h>
#include <termios.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// Whether standard output lost anything (a full disk, a closed pipe): flushes it and reads its
// error flag, which Swift 6 cannot reach since `stdout` is a mutable global.
static inline int cs_stdout_failed(void) { return fflush(stdout) != 0 || ferror(stdout); }

// Globals Swift 6 rejects as shared mutable state.
static inline WINDOW *cs_stdscr(void) { return stdscr; }
static inline int cs_lines(void) { return LINES; }
static inline int cs_cols(void) { return COLS; }
static inline int cs_colors(void) { return COLORS; }
// The colour count the terminal description promises; COLORS is only set after start_color.
static inline int cs_terminfo_colors(void) { int n = tigetnum("colors"); return n < 0 ? 0 : n; }
static inline int cs_color_pairs(void) { return COLOR_PAIRS; }

// Attribute and colour-pair macros.
static inline attr_t cs_a_normal(void) { return A_NORMAL; }
static inline attr_t cs_a_bold(void) { return A_BOLD; }
static inline attr_t cs_a_dim(void) { return A_DIM; }
static inline attr_t cs_a_reverse(void) { return A_REVERSE; }
static inline attr_t cs_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cs_a_italic(void) { return A_ITALIC; }
static inline attr_t cs_a_blink(void) { return A_BLINK; }
static inline int cs_key_f(int n) { return KEY_F(n); }

// Glibc's Swift overlay hides wcwidth; column widths must agree with what ncurses draws.
static inline int cs_wcwidth(wchar_t c) { return wcwidth(c); }

static inline void cs_getmaxyx(WINDOW *w, int *y, int *x) {
    int yy, xx;
    getmaxyx(w, yy, xx);
    *y = yy;
    *x = xx;
}

// Draws one grapheme (up to a few code points) at y, x with attributes and a colour pair.
static inline int cs_put_cell(int y, int x, const wchar_t *chars, attr_t attrs, short pair) {
    cchar_t cell;
    if (setcchar(&cell, chars, attrs, pair, NULL) == ERR) return ERR;
    return mvwadd_wch(stdscr, y, x, &cell);
}

// A colour pair with colour numbers past 32767, which direct-colour (24-bit) terminals use.
static inline int cs_init_pair(int pair, int fg, int bg) { return init_extended_pair(pair, fg, bg); }

// The blank that clears and erases paint with: the theme's normal style.
static inline void cs_set_background(attr_t attrs, short pair) {
    cchar_t cell;
    wchar_t blank[2] = { L' ', 0 };
    if (setcchar(&cell, blank, attrs, pair, NULL) == OK) wbkgrndset(stdscr, &cell);
}

// Bracketed paste: the terminal wraps pasted text in ESC[200~ … ESC[201~, so a pasted line
// break is text, not Enter. Off again on every way out.
static inline void cs_bracketed_paste(int fd, int on) {
    const char *s = on ? "\033[?2004h" : "\033[?2004l";
    ssize_t n = write(fd, s, 8);
    (void)n;
}

// Leaves curses on every way out, so a signal never strands the terminal in raw mode.
static void cs_restore_and_exit(int sig) {
    cs_bracketed_paste(STDOUT_FILENO, 0);
    endwin();
    fflush(stdout);
    _exit(128 + sig);
}

static void cs_restore_and_reraise(int sig) {
    cs_bracketed_paste(STDOUT_FILENO, 0);
    endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

static inline void cs_install_signal_handlers(void) {
    signal(SIGINT, cs_restore_and_exit);
    signal(SIGTERM, cs_restore_and_exit);
    signal(SIGHUP, cs_restore_and_exit);
    signal(SIGSEGV, cs_restore_and_reraise);
    signal(SIGBUS, cs_restore_and_reraise);
    signal(SIGILL, cs_restore_and_reraise);
    signal(SIGTRAP, cs_restore_and_reraise);
    signal(SIGABRT, cs_restore_and_reraise);
    signal(SIGFPE, cs_restore_and_reraise);
}

// A stderr-free newterm: returns NULL with no output when TERM is unusable.
static inline SCREEN *cs_newterm(const char *term) {
    return newterm(term, stdout, stdin);
}

// newterm on given descriptors (a pseudo-terminal for benchmarks); NULL when they or TERM are unusable.
static inline SCREEN *cs_newterm_fds(const char *term, int outfd, int infd) {
    FILE *out = fdopen(outfd, "w");
    FILE *in = fdopen(infd, "r");
    if (out == NULL || in == NULL) return NULL;
    return newterm(term, out, in);
}

// Turns off XON/XOFF flow control on the terminal (cbreak keeps it): otherwise a stray Ctrl-S
// stops all output and the console looks frozen until Ctrl-Q. def_prog_mode makes ncurses keep
// this as the console's mode; endwin still restores the shell's own settings.
static inline void cs_no_flow_control(int fd) {
    struct termios tio;
    if (tcgetattr(fd, &tio) == 0) {
        tio.c_iflag &= ~(IXON | IXOFF);
        tcsetattr(fd, TCSANOW, &tio);
    }
    def_prog_mode();
}

// After newterm: can this terminal place the cursor? `dumb` and friends cannot run a full-screen console.
static inline int cs_terminal_can_address(void) {
    char *cup = tigetstr("cup");
    return cup != NULL && cup != (char *)-1;
}

#endif
