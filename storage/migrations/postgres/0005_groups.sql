-- Groups (FEP-1b12). A group is an actor of kind Group; this row holds what only groups have.
-- membership: who may join (open: anyone, approval: a moderator accepts, invite: only invited).
-- reach: who may see or join it (federated: anyone, internal: this instance only, partners: this
-- instance and the partner instances below).
CREATE TABLE group_settings (
    actor_id   TEXT PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
    rules      TEXT NOT NULL DEFAULT '',
    membership TEXT NOT NULL DEFAULT 'open' CHECK (membership IN ('open', 'approval', 'invite')),
    reach      TEXT NOT NULL DEFAULT 'federated' CHECK (reach IN ('federated', 'internal', 'partners')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- partner_domains is the instance's partner list: the councils whose instances may join and see
-- groups of reach 'partners'.
CREATE TABLE partner_domains (
    domain     TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);

-- group_posts are the statuses a local group accepted and relayed, once each. create_uri is the
-- Create the author sent (re-announced as such); removed_at marks a moderator's removal.
CREATE TABLE group_posts (
    group_id    TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    status_id   TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    create_uri  TEXT NOT NULL DEFAULT '',
    announce_id TEXT NOT NULL DEFAULT '',
    pinned      BOOLEAN NOT NULL DEFAULT FALSE,
    locked      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT NOT NULL,
    removed_at  BIGINT,
    PRIMARY KEY (group_id, status_id)
);
CREATE INDEX group_posts_status ON group_posts (status_id);
