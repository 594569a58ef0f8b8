// The SQL of Migrations/*.sql (the files to read and review), compiled in so an installed replicator
// needs no resource bundle; `ReplicaMigrationTests` checks the two match byte for byte.

/// The replica's schema, as versioned migrations applied in order by `ReplicaDatabase.migrate`.
enum ReplicaMigrations {
    static let all: [(version: Int, name: String, sql: String)] = [
        (
            1, "001-lines.sql",
            #"""
            -- Every journal line of every store, with its exact bytes and their SHA-256, under
            -- (store ID, journal path relative to the store, sequence number): the primary key per line.
            -- `id` orders the lines as they arrived, for the other stores' pulls (index chairside_lines_pull).
            CREATE TABLE chairside_lines (
                store_id   text        NOT NULL,
                journal    text        NOT NULL,
                seq        bigint      NOT NULL,
                hash       text        NOT NULL,
                bytes      bytea       NOT NULL,
                id         bigint      GENERATED ALWAYS AS IDENTITY,
                shipped_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (store_id, journal, seq)
            );
            CREATE INDEX chairside_lines_pull ON chairside_lines (id);
            CREATE INDEX chairside_lines_recent ON chairside_lines (shipped_at);

            -- A local line that differs from the replica's under the same key: recorded, never overwritten.
            CREATE TABLE chairside_divergences (
                store_id     text        NOT NULL,
                journal      text        NOT NULL,
                seq          bigint      NOT NULL,
                local_hash   text        NOT NULL,
                replica_hash text        NOT NULL,
                first_seen   timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (store_id, journal, seq, local_hash)
            );
            """#
        )
    ]
}
