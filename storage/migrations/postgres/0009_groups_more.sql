-- group_invites are invitations to invite-only groups, both ways: a local group's invitation of
-- an actor on any server (group_id local), and an invitation a local person received from a
-- remote group (group_id remote, actor_id local). A follow by an invited actor is accepted at
-- once and uses the invitation up.
CREATE TABLE group_invites (
    group_id   TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    actor_id   TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    invited_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, actor_id)
);
CREATE INDEX group_invites_actor ON group_invites (actor_id, created_at);
