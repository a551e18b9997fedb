-- Anonymity that holds against the people who run the survey (issue 10).
--
-- 1. A wave collects either online (invitations, open links) or by bulk
--    import, never both: imported rows of known answers added to an online
--    wave would un-suppress a small layer.
-- 2. Only organisations an admin marks as benchmark peers count in another
--    organisation's benchmark; the demo's own can never be one.
-- 3. A submission waits, sealed, in pending_responses: the statement that
--    marks the invitation submitted writes only there, so the rows that
--    share its transaction hold nothing readable. The mixer
--    (server/app/mixer.c) moves waiting submissions into responses in
--    shuffled batches of at least k per layer, with random ids, in a
--    transaction of its own. Nothing in responses then follows the order,
--    the transaction or the time of a submission.

-- IF NOT EXISTS: the console's migration (005) adds the same two columns for
-- itself, and a database may have run it first.
ALTER TABLE waves ADD COLUMN IF NOT EXISTS collection text NOT NULL DEFAULT 'online'
    CHECK (collection IN ('online', 'import'));
-- A wave whose every response was imported was made for import.
UPDATE waves w SET collection = 'import'
 WHERE EXISTS (SELECT 1 FROM responses r WHERE r.wave_id = w.id AND r.imported)
   AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.wave_id = w.id AND NOT r.imported);

ALTER TABLE organisations
    ADD COLUMN IF NOT EXISTS benchmark boolean NOT NULL DEFAULT false,
    ADD COLUMN demo boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT organisations_demo_never_peer CHECK (NOT (benchmark AND demo));
UPDATE organisations SET demo = true
 WHERE code BETWEEN 'GM9001' AND 'GM9006' AND name LIKE '%(demo)';

-- Waiting submissions. No id, no time: a row is addressed by its ctid
-- while the mixer holds it locked. key_id is the first 8 bytes of the
-- fingerprint of the server key that sealed it (server/app/seal.h), so that
-- a server with another key leaves the row alone and says so.
CREATE TABLE pending_responses (
    wave_id  bigint NOT NULL REFERENCES waves ON DELETE CASCADE,
    layer    smallint NOT NULL,
    key_id   bytea NOT NULL,
    sealed   bytea NOT NULL  -- nonce || crypto_secretbox_easy(payload)
);
-- No index: the table holds a few batches' worth of rows at most (the mixer
-- leaves k to 2k per layer, a round a second), which a scan reads faster
-- than an index every submission would have to maintain.

-- Responses get random ids. The rows already stored were written in the
-- order of submission, each in its invitation's transaction: they are
-- written again, in random order within the table, by this migration's
-- transaction. Every column but the id is copied, whichever a later
-- migration that ran first may have added.
DO $$
DECLARE
    cols text;
BEGIN
    SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO cols
      FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = 'responses' AND column_name <> 'id';
    EXECUTE format('CREATE TEMPORARY TABLE responses_before ON COMMIT DROP AS SELECT %s'
                   ' FROM responses', cols);
    TRUNCATE responses;
    ALTER TABLE responses ALTER COLUMN id DROP DEFAULT;
    ALTER TABLE responses ALTER COLUMN id TYPE uuid USING gen_random_uuid();
    ALTER TABLE responses ALTER COLUMN id SET DEFAULT gen_random_uuid();
    DROP SEQUENCE responses_id_seq;
    EXECUTE format('INSERT INTO responses (%s) SELECT %s FROM responses_before ORDER BY random()',
                   cols, cols);
END
$$;

-- Stored analyses: an open wave's (the live snapshot) is gone with it, and
-- closed waves' are computed again under the rules of this change.
DELETE FROM wave_analysis_cache;
