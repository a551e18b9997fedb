-- A wave's own intent keys and rules (issue 12), and every response's
-- rating of those rules.
--
-- intended: {"item key": "option key"} for the instrument's knowledge
-- questions marked "intended": "local" (and any other intent item the wave
-- keys itself). rules: [{"key", "text", "text_en"?}], in the order the form
-- shows them. Both change only while the wave is a draft (server/app
-- checks it, and the UPDATE says so again): a rule edited after answers
-- came in would let its ratings be read against two texts, and a key set
-- after opening would score answers given before it.
ALTER TABLE waves
    ADD COLUMN intended jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(intended) = 'object'),
    ADD COLUMN rules jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(rules) = 'array');

-- One code per rule of the wave, in its order: 0 unanswered, 1 helpt,
-- 2 maakt niet uit, 3 belemmert, 4 ken ik niet (core/instrument.h RULE_*).
-- NULL: the wave has no rules.
ALTER TABLE responses ADD COLUMN rules smallint[];
