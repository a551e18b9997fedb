-- Invitations and reminders by e-mail (issue 15).
--
-- The addresses live in mail_recipients, a table of their own: a response
-- row holds no invitation id, so nothing joins an address to answers, and
-- the rows are deleted when the wave closes. No token is stored: each
-- recipient has a random salt, the server derives the token from it with a
-- key the database never holds (server/app/mail.c), and the invitation keeps
-- only the token's hash, as every invitation does. A reader of the database
-- can therefore not rebuild a link, while a reminder carries the same link
-- as the invitation and a message that waits for the relay loses nothing.
--
-- mail_outbox holds the messages to send, one row each. A sender locks a
-- due row (FOR UPDATE SKIP LOCKED) and marks it sent in the same
-- transaction, once the relay has accepted it. A row that is no longer
-- pending forgets its recipient: what stays are counts per layer and round,
-- so the database does not keep who was reminded (who had not answered by
-- then) after the reminder went out.

-- A wave that sends by e-mail: its reminder schedule and rounds.
CREATE TABLE mail_waves (
    wave_id        bigint PRIMARY KEY REFERENCES waves ON DELETE CASCADE,
    -- days after the first invitations went out; at most 3 rounds in all
    reminder_days  int[] NOT NULL DEFAULT '{7,12}'
                   CHECK (cardinality(reminder_days) <= 3
                          AND 1 <= ALL (reminder_days) AND 90 >= ALL (reminder_days)),
    first_sent_at  timestamptz,          -- the first invitations were queued
    rounds         smallint NOT NULL DEFAULT 0 CHECK (rounds BETWEEN 0 AND 3),
    last_round_at  timestamptz,          -- the latest reminder round was queued
    declined       int NOT NULL DEFAULT 0, -- kept when the addresses are deleted
    forgotten_at   timestamptz           -- the addresses were deleted (the wave closed)
);

-- A wave's own wording; a missing row means the default text.
CREATE TABLE mail_templates (
    wave_id  bigint NOT NULL REFERENCES waves ON DELETE CASCADE,
    lang     text NOT NULL CHECK (lang IN ('nl', 'en')),
    kind     text NOT NULL CHECK (kind IN ('invitation', 'reminder')),
    subject  text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    body     text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    PRIMARY KEY (wave_id, lang, kind)
);

CREATE TABLE mail_recipients (
    id            bigserial PRIMARY KEY,
    wave_id       bigint NOT NULL REFERENCES waves ON DELETE CASCADE,
    invitation_id bigint NOT NULL UNIQUE REFERENCES invitations ON DELETE CASCADE,
    layer         smallint NOT NULL,
    lang          text NOT NULL DEFAULT 'nl' CHECK (lang IN ('nl', 'en')),
    email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    salt          bytea NOT NULL CHECK (length(salt) = 16),
    -- 0 added, 1 invitation queued, 2 invitation sent, 3 failed (error says why)
    state         smallint NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3),
    declined      boolean NOT NULL DEFAULT false,
    error         text
);
CREATE UNIQUE INDEX mail_recipients_address ON mail_recipients (wave_id, lower(email));

CREATE TABLE mail_outbox (
    id              bigserial PRIMARY KEY,
    wave_id         bigint NOT NULL REFERENCES waves ON DELETE CASCADE,
    layer           smallint NOT NULL,
    round           smallint NOT NULL CHECK (round BETWEEN 0 AND 3), -- 0 the invitation
    -- set while pending; NULL once sent, failed or cancelled
    recipient_id    bigint REFERENCES mail_recipients ON DELETE CASCADE,
    -- 0 pending, 1 sent, 2 failed, 3 cancelled (declined, submitted, closed)
    state           smallint NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3),
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,                -- the relay's answer to the latest try, while pending
    CHECK (state <> 0 OR recipient_id IS NOT NULL)
);
-- One message per recipient and round. Partial: the rows that forgot their
-- recipient stay out of it, so the index holds only what is pending (a
-- growing tail of NULLs would slow every plan that probes its end).
CREATE UNIQUE INDEX mail_outbox_recipient ON mail_outbox (recipient_id, round)
    WHERE recipient_id IS NOT NULL;
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at, id) WHERE state = 0;
CREATE INDEX mail_outbox_wave ON mail_outbox (wave_id, layer, round, state);
