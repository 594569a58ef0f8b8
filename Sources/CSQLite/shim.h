// SQLite, only for the benchmark that compares the journal append with a database insert.
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro that does not import.
static inline int cs_sqlite_bind_blob(sqlite3_stmt *s, int i, const void *p, int n) {
    return sqlite3_bind_blob(s, i, p, n, SQLITE_TRANSIENT);
}
