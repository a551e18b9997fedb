-- Share links to the council summary of a closed wave (GET /raad/s/{token}):
-- made by an admin or a consultant, each with an expiry, revocable. The
-- token itself is never stored, only its BLAKE2b-256 hash, as with
-- invitations and API keys: a copy of the database opens no summary.
CREATE TABLE share_links (
    id          bigserial PRIMARY KEY,
    wave_id     bigint NOT NULL REFERENCES waves ON DELETE CASCADE,
    token_hash  bytea NOT NULL UNIQUE,
    created_by  bigint REFERENCES api_keys ON DELETE SET NULL,  -- NULL: the command line
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX share_links_wave ON share_links (wave_id);
