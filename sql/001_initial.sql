-- The ground schema: instruments, organisations, API keys, waves, invitations
-- and responses.
--
-- Anonymity is built into the shape of the data: a response row holds the
-- wave, the layer and the answers, and nothing else: no invitation id, no
-- timestamp, no address. The invitation row knows only whether it was used
-- (and keeps a draft until submission, then forgets it).

CREATE TABLE instruments (
    id          serial PRIMARY KEY,
    key         text NOT NULL,
    version     text NOT NULL,
    -- numeric version parts, so that "latest" orders 1.10 after 1.9
    version_order int[] NOT NULL,
    sha256      text NOT NULL,
    definition  text NOT NULL,   -- canonical JSON (sorted keys, compact)
    loaded_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (key, version)
);

CREATE TABLE organisations (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    code        text NOT NULL UNIQUE CHECK (code ~ '^GM[0-9]{4}$'),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id          bigserial PRIMARY KEY,
    role        text NOT NULL CHECK (role IN ('admin', 'consultant', 'viewer')),
    secret_hash bytea NOT NULL,  -- BLAKE2b-256 of the secret part of the key
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

-- The organisations a consultant key is granted, or a viewer key's one.
CREATE TABLE api_key_organisations (
    api_key_id      bigint NOT NULL REFERENCES api_keys ON DELETE CASCADE,
    organisation_id bigint NOT NULL REFERENCES organisations ON DELETE CASCADE,
    PRIMARY KEY (api_key_id, organisation_id)
);

CREATE TABLE waves (
    id               bigserial PRIMARY KEY,
    organisation_id  bigint NOT NULL REFERENCES organisations,
    instrument_id    int NOT NULL REFERENCES instruments,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    status           text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    opens_at         timestamptz,
    closes_at        timestamptz,
    min_group_size   int NOT NULL DEFAULT 5 CHECK (min_group_size >= 3),
    previous_wave_id bigint REFERENCES waves,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX waves_organisation ON waves (organisation_id);

-- An open link for a layer (e.g. partners): each visitor gets an invitation
-- of their own on first save, up to max_responses.
CREATE TABLE open_links (
    id            bigserial PRIMARY KEY,
    wave_id       bigint NOT NULL REFERENCES waves ON DELETE CASCADE,
    layer         smallint NOT NULL,
    token_hash    bytea NOT NULL UNIQUE,
    max_responses int NOT NULL CHECK (max_responses BETWEEN 1 AND 100000),
    used          int NOT NULL DEFAULT 0 CHECK (used <= max_responses),
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE invitations (
    id          bigserial PRIMARY KEY,
    wave_id     bigint NOT NULL REFERENCES waves ON DELETE CASCADE,
    layer       smallint NOT NULL,          -- index into the instrument's layers
    token_hash  bytea NOT NULL UNIQUE,      -- BLAKE2b-256 of the token
    state       smallint NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2)), -- new, started, submitted
    draft       jsonb,                      -- saved answers until submission
    link_id     bigint REFERENCES open_links
);
CREATE INDEX invitations_wave ON invitations (wave_id, layer, state);

CREATE TABLE responses (
    id        bigserial PRIMARY KEY,
    wave_id   bigint NOT NULL REFERENCES waves ON DELETE CASCADE,
    layer     smallint NOT NULL,
    -- One entry per instrument item, by ordinal: 0 unanswered, -1 "weet niet",
    -- likert/grade the value, intent/single choice the option index + 1.
    -- Compact on purpose: the analysis reads every row of a wave.
    scores    smallint[] NOT NULL,
    -- Text and multiple-choice answers: {"item-key": "..." | ["a", "b"]}.
    extra     jsonb,
    imported  boolean NOT NULL DEFAULT false
);
CREATE INDEX responses_wave ON responses (wave_id, layer);
