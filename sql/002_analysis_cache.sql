-- Analyses of closed waves, kept so that trend and benchmark need not
-- recompute other waves on every request. A closed wave never changes
-- (imports and submissions stop at closing, a wave is never reopened), so an
-- entry stays true; it is dropped with its wave.
CREATE TABLE wave_analysis_cache (
    wave_id      bigint PRIMARY KEY REFERENCES waves ON DELETE CASCADE,
    analysis     json NOT NULL,   -- json, not jsonb: keeps the field order of the API
    computed_at  timestamptz NOT NULL DEFAULT now()
);
