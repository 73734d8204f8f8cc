-- Macros the models and the queries share; created on each connection that reads or builds them.

-- A compact BIGINT key of a text id (article, statement cluster): joins, groups and IN lists on it
-- cost far less than on the 20-character ids.
CREATE OR REPLACE TEMP MACRO id_key(id) AS (hash(id) >> 1)::BIGINT;

-- Entities that get a bit in article_facts.top_mask (a HUGEINT holds 127): the top_bits_per_kind()
-- actors, places and themes in most articles (the heatmap's default 15 actors and 12 themes among
-- them), then the others in most articles.
CREATE OR REPLACE TEMP MACRO top_bits() AS 120;
CREATE OR REPLACE TEMP MACRO top_bits_per_kind() AS 16;

-- What a search result shows of an article's text: its first 240 characters, whitespace runs as one space.
CREATE OR REPLACE TEMP MACRO snippet(text) AS left(trim(regexp_replace(text, '\s+', ' ', 'g')), 240);

-- A statement's speaker type (vocab.SPEAKER_TYPES) from its speaker entity's actor type (NULL when it has
-- none) and its speaker key: that type, else "person" for a named person outside the taxonomy, else "other".
CREATE OR REPLACE TEMP MACRO speaker_type(actor_type, speaker_key) AS
    coalesce(actor_type, CASE WHEN speaker_key LIKE 'p:%' THEN 'person' ELSE 'other' END);
