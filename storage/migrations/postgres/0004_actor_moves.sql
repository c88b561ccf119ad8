-- Account migrations received as a verified Move: actor_id moved to target_id (Mastodon's
-- movedTo). One row per moved actor; a later Move replaces it.
CREATE TABLE actor_moves (
    actor_id  TEXT PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
    target_id TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    moved_at  BIGINT NOT NULL
);
