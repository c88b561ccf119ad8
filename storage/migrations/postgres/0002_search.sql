-- Full-text search over statuses: a generated tsvector with a GIN index. The 'simple'
-- configuration does no stemming, so it treats every language alike.
-- Local statuses are indexed by what their author typed, remote ones by their HTML.

ALTER TABLE statuses ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', title || ' ' || spoiler_text || ' ' ||
        CASE WHEN source <> '' THEN source ELSE content END)) STORED;

CREATE INDEX statuses_search ON statuses USING GIN (search);
