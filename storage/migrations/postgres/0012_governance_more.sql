-- Moderation actions beyond suspension (issue 13). account_warnings is what a person is told a
-- moderator did about them and why (Mastodon's account warnings, "strikes"); actor_limits marks
-- limited (silenced) accounts, whose posts stay out of the public and hashtag timelines.
CREATE TABLE account_warnings (
    id         TEXT PRIMARY KEY,
    target_id  TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    report_id  TEXT REFERENCES reports (id) ON DELETE SET NULL,
    action     TEXT NOT NULL CHECK (action IN ('warn', 'limit', 'delete_posts', 'suspend')),
    text       TEXT NOT NULL DEFAULT '',
    status_ids TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX account_warnings_target ON account_warnings (target_id, id);

CREATE TABLE actor_limits (
    actor_id   TEXT PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
    reason     TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
