-- Ideas: what an idea (a status of kind 'idea') has beyond its status row. state is where it is
-- in its lifecycle; reason says why it was declined; body is a local idea's HTML without its
-- status line; declared_adopted_by is, for a remote idea, the domains its origin lists (JSON).
CREATE TABLE ideas (
    status_id           TEXT PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
    state               TEXT NOT NULL DEFAULT 'proposed'
                        CHECK (state IN ('proposed', 'under_review', 'planned', 'adopted', 'declined')),
    reason              TEXT NOT NULL DEFAULT '',
    body                TEXT NOT NULL DEFAULT '',
    declared_adopted_by TEXT NOT NULL DEFAULT '[]',
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX ideas_state ON ideas (state, status_id);

-- idea_changes is each idea's status history.
CREATE TABLE idea_changes (
    id         TEXT PRIMARY KEY,
    status_id  TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    state      TEXT NOT NULL CHECK (state IN ('proposed', 'under_review', 'planned', 'adopted', 'declined')),
    reason     TEXT NOT NULL DEFAULT '',
    actor_id   TEXT REFERENCES actors (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX idea_changes_status ON idea_changes (status_id, id);

-- idea_adoptions are the councils (by domain) that adopted an idea too: once per idea and domain.
-- For a remote adoption the domain is the signing actor's own, never one an activity names.
CREATE TABLE idea_adoptions (
    status_id    TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    domain       TEXT NOT NULL,
    actor_id     TEXT REFERENCES actors (id) ON DELETE SET NULL,
    activity_uri TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (status_id, domain)
);
