-- Failed token look-ups (a survey link that is not known), counted in
-- windows per client address and per token prefix, so that the limit on
-- guessing holds across every replica of the server (issue 11). Only
-- failures are counted: a valid token is answered whatever the counts say,
-- so staff behind one town-hall address are never locked out by a guesser
-- among them.
--
-- The key is a BLAKE2b hash of the address or of the prefix (the first
-- characters of the unknown token), never the text itself, and a row lives
-- only as long as its window (stale rows are deleted as failures arrive).
-- UNLOGGED: counts lost in a crash cost nothing, and a failure costs no WAL
-- and no fsync.
CREATE UNLOGGED TABLE token_failures (
    kind          smallint NOT NULL CHECK (kind IN (1, 2)), -- 1 client address, 2 token prefix
    key           bytea NOT NULL,
    window_start  timestamptz NOT NULL,
    failures      int NOT NULL,
    PRIMARY KEY (kind, key)
);
