-- The console (/beheer): people with accounts and sessions, an audit log of
-- every change, named API keys that expire and can be revoked, test waves,
-- and import batches that can be undone.
--
-- Secrets are stored as hashes only: a password as libsodium's Argon2id
-- string, a session cookie and an API key as BLAKE2b-256.

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL UNIQUE
                  CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role          text NOT NULL CHECK (role IN ('admin', 'consultant', 'viewer')),
    password_hash text NOT NULL,                 -- crypto_pwhash_str (Argon2id)
    must_change_password boolean NOT NULL DEFAULT true,
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- The organisations a consultant may work for, or a viewer's one.
CREATE TABLE user_organisations (
    user_id         bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    organisation_id bigint NOT NULL REFERENCES organisations ON DELETE CASCADE,
    PRIMARY KEY (user_id, organisation_id)
);

-- Who may see an organisation, keys and users alike: the scope condition
-- (server/store/sql.h, IN_SCOPE) asks this view with "key:ID" or "user:ID".
CREATE VIEW principal_organisations AS
    SELECT 'key:' || api_key_id AS principal, organisation_id FROM api_key_organisations
    UNION ALL
    SELECT 'user:' || user_id, organisation_id FROM user_organisations;

CREATE TABLE sessions (
    id           bigserial PRIMARY KEY,
    token_hash   bytea NOT NULL UNIQUE,         -- BLAKE2b-256 of the cookie's secret
    user_id      bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    ended_at     timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins, per account (the hash of the address typed, whether or not
-- an account has it) and per client address (its hash): the console slows
-- down after a few within the window.
CREATE TABLE login_failures (
    subject      bytea PRIMARY KEY,             -- BLAKE2b-256 of "email:..." or "ip:..."
    failures     int NOT NULL,
    last_failure timestamptz NOT NULL
);

-- Every change made through the console, the API or the command line: who,
-- what, which object, when. Never answers, tokens, keys or passwords.
CREATE TABLE audit_log (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    user_id      bigint REFERENCES users ON DELETE SET NULL,
    api_key_id   bigint REFERENCES api_keys ON DELETE SET NULL,
    actor        text NOT NULL,                 -- "user:3", "key:5" or "cli"
    action       text NOT NULL,                 -- "wave.create", "key.revoke" ...
    object_type  text,
    object_id    bigint,
    detail       jsonb
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);

-- API keys get a name, an expiry and the time they were last used (written
-- at most once a minute per key).
ALTER TABLE api_keys
    ADD COLUMN name         text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    ADD COLUMN expires_at   timestamptz,
    ADD COLUMN last_used_at timestamptz;

-- A wave marked as a test can be deleted with everything in it.
ALTER TABLE waves ADD COLUMN is_test boolean NOT NULL DEFAULT false;

-- An import is a batch: undone as a whole, while the wave is not closed.
CREATE TABLE import_batches (
    id         bigserial PRIMARY KEY,
    wave_id    bigint NOT NULL REFERENCES waves ON DELETE CASCADE,
    rows       int NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX import_batches_wave ON import_batches (wave_id);
ALTER TABLE responses
    ADD COLUMN import_batch_id bigint REFERENCES import_batches ON DELETE CASCADE;
CREATE INDEX responses_import_batch ON responses (import_batch_id)
    WHERE import_batch_id IS NOT NULL;

-- ---- shared with issue 10 (sql/003, "anon") --------------------------------
-- The console shows and sets a wave's collection mode and an organisation's
-- benchmark flag. Migration 003 adds both columns; IF NOT EXISTS makes this
-- file a no-op for them once 003 has run, and lets the console stand alone
-- until then.
ALTER TABLE waves ADD COLUMN IF NOT EXISTS collection text NOT NULL DEFAULT 'online'
    CHECK (collection IN ('online', 'import'));
ALTER TABLE organisations ADD COLUMN IF NOT EXISTS benchmark boolean NOT NULL DEFAULT false;
