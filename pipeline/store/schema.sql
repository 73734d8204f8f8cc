-- The store's tables (the Contract's names); `migrate` adds columns missing from older databases.
-- `raw_pages.raw_sha256` is a key the writer keeps unique (writes.py) without a PRIMARY KEY index: DuckDB
-- rewrites a table's whole ART index at every checkpoint after a change, seconds per short write on a
-- 100 k store (schema version 3). `articles.article_id` keeps the Contract's PRIMARY KEY.
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER);
CREATE TABLE IF NOT EXISTS articles (
    article_id VARCHAR PRIMARY KEY,
    url VARCHAR,
    canonical_url VARCHAR,
    source VARCHAR,
    hostname VARCHAR,
    title VARCHAR,
    author VARCHAR,
    published DATE,
    date_source VARCHAR,
    language VARCHAR,
    text VARCHAR,
    content_hash VARCHAR,
    duplicate_of VARCHAR,
    fetched_at TIMESTAMP,
    run_id VARCHAR,
    raw_sha256 VARCHAR,
    genre VARCHAR               -- news | transcript | release (version 2)
);
CREATE TABLE IF NOT EXISTS raw_pages (
    raw_sha256 VARCHAR NOT NULL,
    html_gz BLOB
);
CREATE TABLE IF NOT EXISTS sources (
    source VARCHAR PRIMARY KEY,
    hostname VARCHAR,
    name VARCHAR,
    country VARCHAR,
    kind VARCHAR,
    owner VARCHAR
);
CREATE TABLE IF NOT EXISTS entities (
    entity_id VARCHAR PRIMARY KEY,
    kind VARCHAR,
    name VARCHAR,
    type VARCHAR,
    parent VARCHAR,
    lat DOUBLE,
    lon DOUBLE
);
CREATE TABLE IF NOT EXISTS sentences (
    article_id VARCHAR,
    sentence_no INTEGER,
    char_start INTEGER,
    char_end INTEGER
);
CREATE TABLE IF NOT EXISTS mentions (
    article_id VARCHAR,
    entity_id VARCHAR,
    sentence_no INTEGER,
    char_start INTEGER,
    char_end INTEGER,
    surface VARCHAR
);
CREATE TABLE IF NOT EXISTS statements (
    statement_id VARCHAR,
    article_id VARCHAR,
    speaker VARCHAR,
    speaker_role VARCHAR,
    speaker_entity_id VARCHAR,
    speaker_state_id VARCHAR,
    quote VARCHAR,
    kind VARCHAR,
    statement_type VARCHAR,
    cue VARCHAR,
    char_start INTEGER,
    char_end INTEGER,
    said_on DATE,
    cluster_id VARCHAR,
    speaker_key VARCHAR         -- one key per speaker across scripts: e:<entity>, p:<name skeleton>, s:<phrase> (version 2)
);
CREATE TABLE IF NOT EXISTS statement_mentions (
    statement_id VARCHAR,
    entity_id VARCHAR
);
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    started TIMESTAMP,
    finished TIMESTAMP,
    inputs VARCHAR[],
    ok INTEGER,
    failed INTEGER,
    skipped INTEGER
);
CREATE TABLE IF NOT EXISTS failures (
    run_id VARCHAR,
    input VARCHAR,
    stage VARCHAR,
    error VARCHAR
);
CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);
-- watch: one row per polled feed or sitemap (its health and schedule), the documents its polls read (their
-- validators for conditional requests) and the items it listed (what was fetched, what is queued).
CREATE TABLE IF NOT EXISTS feeds (
    feed_url VARCHAR PRIMARY KEY,
    source VARCHAR,
    last_attempt TIMESTAMP,     -- last poll (UTC)
    last_success TIMESTAMP,     -- last poll that got an answer it could use (a feed, a sitemap, or 304 unchanged)
    last_status INTEGER,        -- HTTP status of the last poll (304: unchanged); NULL when no server answered
    last_error VARCHAR,         -- one line; NULL after a success
    items_seen INTEGER,         -- distinct items this feed has listed since it was first polled
    items_new INTEGER,          -- new or changed items the last poll found (0 when it was unchanged)
    kind VARCHAR,               -- feed | sitemap
    poll_minutes DOUBLE,        -- the interval in force (sources.yaml)
    failures INTEGER,           -- failed polls in a row (0 after a success): the backoff's exponent
    next_poll TIMESTAMP         -- due again from then (UTC): the interval after a success, backed off after failures
);
CREATE TABLE IF NOT EXISTS feed_documents (
    feed_url VARCHAR,
    doc_url VARCHAR,            -- the feed or sitemap itself, or a sitemap nested in its index
    parent_url VARCHAR,         -- the index that listed it (NULL for the feed or sitemap polled)
    etag VARCHAR,
    last_modified VARCHAR,
    PRIMARY KEY (feed_url, doc_url)
);
CREATE TABLE IF NOT EXISTS feed_items (
    feed_url VARCHAR,
    item_url VARCHAR,
    first_seen TIMESTAMP,
    last_seen TIMESTAMP,        -- last poll that listed it
    version VARCHAR,            -- what the feed said of the item's version (entry digest, <lastmod>)
    state VARCHAR,              -- queued (to fetch) | stored (stored, unchanged or duplicate) | failed
    attempts INTEGER,           -- fetches of this version that failed
    last_error VARCHAR,
    title VARCHAR,              -- from the feed entry, for the fetch of a queued item
    published DATE,
    html VARCHAR,               -- the entry's own full content while queued (NULL once stored)
    PRIMARY KEY (feed_url, item_url)
);
-- What changed since the last end-of-run upkeep (not part of the Contract): articles written or removed
-- (`replaced`: it was stored before and its old version went; NULL in rows of older versions, read as
-- true), and the statements removed with them; committed with each batch, emptied by the upkeep that follows.
CREATE TABLE IF NOT EXISTS changed_articles (
    article_id VARCHAR,
    replaced BOOLEAN
);
CREATE TABLE IF NOT EXISTS removed_statements (
    statement_id VARCHAR,
    cluster_id VARCHAR,
    speaker_key VARCHAR,
    speaker_entity_id VARCHAR,
    speaker VARCHAR
);
-- views (created after the tables have all their columns)
-- One row per statement cluster (version 2): where it was first said and how many outlets reported it.
-- A cluster led by a statement from a transcript or release (cluster_id = that statement's id) has a
-- primary source; reports and outlets count the cluster's statements in news articles.
CREATE OR REPLACE VIEW statement_clusters AS
WITH members AS (
    SELECT s.cluster_id, s.statement_id, s.said_on, a.article_id, a.genre, a.source,
           coalesce(a.canonical_url, a.url) AS url
    FROM statements s JOIN articles a USING (article_id)
)
SELECT m.cluster_id,
       any_value(p.statement_id) AS primary_statement_id,
       any_value(p.article_id) AS primary_article_id,
       any_value(p.url) AS primary_url,
       any_value(p.source) AS primary_source,
       coalesce(any_value(p.said_on), min(m.said_on)) AS first_said,
       count(*) FILTER (WHERE coalesce(m.genre, 'news') = 'news') AS reports,
       count(DISTINCT m.source) FILTER (WHERE coalesce(m.genre, 'news') = 'news') AS outlets
FROM members m
LEFT JOIN members p ON p.statement_id = m.cluster_id AND p.genre IN ('transcript', 'release')
GROUP BY m.cluster_id;
