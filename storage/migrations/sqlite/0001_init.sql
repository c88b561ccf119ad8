-- Guildhall schema, SQLite dialect. Keep in step with migrations/postgres/0001_init.sql:
-- same tables, same columns, same constraints. Timestamps are milliseconds since the Unix epoch,
-- booleans are 0/1, string lists are JSON text, ids are the domain's ULIDs.

CREATE TABLE actors (
    id                TEXT PRIMARY KEY,
    uri               TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL CHECK (kind IN ('Person', 'Group', 'Application', 'Service', 'Organization')),
    username          TEXT NOT NULL,
    domain            TEXT NOT NULL DEFAULT '',
    display_name      TEXT NOT NULL DEFAULT '',
    summary           TEXT NOT NULL DEFAULT '',
    summary_source    TEXT NOT NULL DEFAULT '',
    url               TEXT NOT NULL DEFAULT '',
    inbox             TEXT NOT NULL DEFAULT '',
    outbox            TEXT NOT NULL DEFAULT '',
    shared_inbox      TEXT NOT NULL DEFAULT '',
    followers_uri     TEXT NOT NULL DEFAULT '',
    following_uri     TEXT NOT NULL DEFAULT '',
    featured_uri      TEXT NOT NULL DEFAULT '',
    avatar_url        TEXT NOT NULL DEFAULT '',
    header_url        TEXT NOT NULL DEFAULT '',
    public_key_id     TEXT NOT NULL DEFAULT '',
    public_key_pem    TEXT NOT NULL DEFAULT '',
    manually_approves INTEGER NOT NULL DEFAULT 0 CHECK (manually_approves IN (0, 1)),
    discoverable      INTEGER NOT NULL DEFAULT 0 CHECK (discoverable IN (0, 1)),
    indexable         INTEGER NOT NULL DEFAULT 0 CHECK (indexable IN (0, 1)),
    bot               INTEGER NOT NULL DEFAULT 0 CHECK (bot IN (0, 1)),
    fields            TEXT NOT NULL DEFAULT '[]',
    followers_count   INTEGER NOT NULL DEFAULT 0,
    following_count   INTEGER NOT NULL DEFAULT 0,
    statuses_count    INTEGER NOT NULL DEFAULT 0,
    last_status_at    BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    fetched_at        BIGINT,
    suspended_at      BIGINT,
    deleted_at        BIGINT
);
CREATE UNIQUE INDEX actors_username ON actors (lower(username), domain);
CREATE INDEX actors_public_key_id ON actors (public_key_id);
CREATE INDEX actors_domain ON actors (domain, kind);

-- actor_keys holds the private keys of local actors (people, groups, the instance actor), apart
-- from actors so that a SELECT * on actors can never leak one.
CREATE TABLE actor_keys (
    actor_id        TEXT PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
    private_key_pem TEXT NOT NULL
);

CREATE TABLE users (
    actor_id      TEXT PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
    email         TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    admin         INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
    disabled_at   BIGINT,
    locale        TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (actor_id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE rate_limits (
    bucket       TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits         INTEGER NOT NULL
);

CREATE TABLE follows (
    id           TEXT PRIMARY KEY,
    uri          TEXT UNIQUE,
    follower_id  TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    followee_id  TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    show_reblogs INTEGER NOT NULL DEFAULT 1 CHECK (show_reblogs IN (0, 1)),
    notify       INTEGER NOT NULL DEFAULT 0 CHECK (notify IN (0, 1)),
    created_at   BIGINT NOT NULL,
    UNIQUE (follower_id, followee_id)
);
CREATE INDEX follows_followee ON follows (followee_id, state, id);
CREATE INDEX follows_follower ON follows (follower_id, state, id);

CREATE TABLE blocks (
    id         TEXT PRIMARY KEY,
    uri        TEXT UNIQUE,
    actor_id   TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    target_id  TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    UNIQUE (actor_id, target_id)
);
CREATE INDEX blocks_target ON blocks (target_id, actor_id);

CREATE TABLE mutes (
    actor_id      TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    target_id     TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    notifications INTEGER NOT NULL DEFAULT 1 CHECK (notifications IN (0, 1)),
    expires_at    BIGINT,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (actor_id, target_id)
);

CREATE TABLE statuses (
    id                   TEXT PRIMARY KEY,
    uri                  TEXT NOT NULL UNIQUE,
    url                  TEXT NOT NULL DEFAULT '',
    actor_id             TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    in_reply_to_id       TEXT REFERENCES statuses (id) ON DELETE SET NULL,
    in_reply_to_uri      TEXT NOT NULL DEFAULT '',
    in_reply_to_actor_id TEXT,
    reblog_of_id         TEXT REFERENCES statuses (id) ON DELETE CASCADE,
    context_uri          TEXT NOT NULL DEFAULT '',
    object_type          TEXT NOT NULL DEFAULT 'Note',
    kind                 TEXT NOT NULL DEFAULT 'post' CHECK (kind IN ('post', 'question', 'idea')),
    visibility           TEXT NOT NULL CHECK (visibility IN ('public', 'unlisted', 'private', 'direct', 'local')),
    local                INTEGER NOT NULL CHECK (local IN (0, 1)),
    title                TEXT NOT NULL DEFAULT '',
    content              TEXT NOT NULL DEFAULT '',
    source               TEXT NOT NULL DEFAULT '',
    format               TEXT NOT NULL DEFAULT '' CHECK (format IN ('', 'plain', 'markdown')),
    spoiler_text         TEXT NOT NULL DEFAULT '',
    sensitive            INTEGER NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1)),
    language             TEXT NOT NULL DEFAULT '',
    group_id             TEXT REFERENCES actors (id) ON DELETE SET NULL,
    accepted_answer_id   TEXT,
    replies_count        INTEGER NOT NULL DEFAULT 0,
    reblogs_count        INTEGER NOT NULL DEFAULT 0,
    favourites_count     INTEGER NOT NULL DEFAULT 0,
    votes_score          INTEGER NOT NULL DEFAULT 0,
    created_at           BIGINT NOT NULL,
    edited_at            BIGINT,
    deleted_at           BIGINT
);
CREATE INDEX statuses_actor ON statuses (actor_id, id);
CREATE INDEX statuses_public ON statuses (visibility, local, id);
CREATE INDEX statuses_replies ON statuses (in_reply_to_id);
CREATE INDEX statuses_reblogs ON statuses (reblog_of_id, actor_id);
CREATE INDEX statuses_context ON statuses (context_uri);
CREATE INDEX statuses_group ON statuses (group_id, id);

CREATE TABLE mentions (
    status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    actor_id  TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (status_id, actor_id)
);
CREATE INDEX mentions_actor ON mentions (actor_id, status_id);

-- Tags are keyed by their lower-cased name: storage creates them on demand and never invents ids.
CREATE TABLE tags (
    name       TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);

CREATE TABLE status_tags (
    tag_name  TEXT NOT NULL REFERENCES tags (name) ON DELETE CASCADE,
    status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tag_name, status_id)
);
CREATE INDEX status_tags_status ON status_tags (status_id);

CREATE TABLE media_attachments (
    id           TEXT PRIMARY KEY,
    status_id    TEXT REFERENCES statuses (id) ON DELETE SET NULL,
    actor_id     TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    type         TEXT NOT NULL DEFAULT 'unknown' CHECK (type IN ('image', 'gifv', 'video', 'audio', 'unknown')),
    content_type TEXT NOT NULL DEFAULT '',
    url          TEXT NOT NULL DEFAULT '',
    remote_url   TEXT NOT NULL DEFAULT '',
    preview_url  TEXT NOT NULL DEFAULT '',
    path         TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    blurhash     TEXT NOT NULL DEFAULT '',
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    size         BIGINT NOT NULL DEFAULT 0,
    focus_x      REAL NOT NULL DEFAULT 0,
    focus_y      REAL NOT NULL DEFAULT 0,
    position     INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL
);
CREATE INDEX media_attachments_status ON media_attachments (status_id);
CREATE INDEX media_attachments_actor ON media_attachments (actor_id, id);

CREATE TABLE status_edits (
    id           TEXT PRIMARY KEY,
    status_id    TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    content      TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT '',
    spoiler_text TEXT NOT NULL DEFAULT '',
    sensitive    INTEGER NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1)),
    created_at   BIGINT NOT NULL
);
CREATE INDEX status_edits_status ON status_edits (status_id, id);

CREATE TABLE favourites (
    id         TEXT PRIMARY KEY,
    uri        TEXT UNIQUE,
    actor_id   TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    status_id  TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    UNIQUE (actor_id, status_id)
);
CREATE INDEX favourites_actor ON favourites (actor_id, id);
CREATE INDEX favourites_status ON favourites (status_id, id);

CREATE TABLE bookmarks (
    id         TEXT PRIMARY KEY,
    actor_id   TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    status_id  TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    UNIQUE (actor_id, status_id)
);
CREATE INDEX bookmarks_actor ON bookmarks (actor_id, id);

CREATE TABLE pins (
    actor_id   TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    status_id  TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (actor_id, status_id)
);

-- conversation_mutes silences the notifications of a thread for one actor (Mastodon's
-- status "muted" flag).
CREATE TABLE conversation_mutes (
    actor_id    TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    context_uri TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (actor_id, context_uri)
);

-- home_timeline copies the author and the boosted status so that unfollowing and deleting
-- need no join.
CREATE TABLE home_timeline (
    user_id      TEXT NOT NULL REFERENCES users (actor_id) ON DELETE CASCADE,
    status_id    TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    actor_id     TEXT NOT NULL,
    reblog_of_id TEXT,
    PRIMARY KEY (user_id, status_id)
);
CREATE INDEX home_timeline_actor ON home_timeline (user_id, actor_id);
CREATE INDEX home_timeline_reblog ON home_timeline (reblog_of_id);
CREATE INDEX home_timeline_status ON home_timeline (status_id);

-- reports come before notifications, which point at them.
CREATE TABLE reports (
    id          TEXT PRIMARY KEY,
    uri         TEXT UNIQUE,
    reporter_id TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    target_id   TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    status_ids  TEXT NOT NULL DEFAULT '[]',
    comment     TEXT NOT NULL DEFAULT '',
    forwarded   INTEGER NOT NULL DEFAULT 0 CHECK (forwarded IN (0, 1)),
    created_at  BIGINT NOT NULL,
    resolved_at BIGINT
);
CREATE INDEX reports_open ON reports (resolved_at, id);
CREATE INDEX reports_target ON reports (target_id);

CREATE TABLE notifications (
    id            TEXT PRIMARY KEY,
    recipient_id  TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    type          TEXT NOT NULL CHECK (type IN ('follow', 'follow_request', 'mention', 'reblog', 'favourite',
                      'status', 'update', 'poll', 'answer', 'accepted', 'admin.report', 'admin.sign_up')),
    from_actor_id TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    status_id     TEXT REFERENCES statuses (id) ON DELETE CASCADE,
    report_id     TEXT REFERENCES reports (id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL
);
-- The same event twice (a redelivered Like, a re-edited mention) notifies once.
CREATE UNIQUE INDEX notifications_dedupe ON notifications
    (recipient_id, type, from_actor_id, COALESCE(status_id, ''), COALESCE(report_id, ''));
CREATE INDEX notifications_recipient ON notifications (recipient_id, id);

CREATE TABLE outbox (
    id          TEXT PRIMARY KEY,
    actor_id    TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    activity    TEXT NOT NULL,
    expanded    INTEGER NOT NULL DEFAULT 0 CHECK (expanded IN (0, 1)),
    expanded_at BIGINT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX outbox_pending ON outbox (expanded, id);

CREATE TABLE deliveries (
    id              TEXT PRIMARY KEY,
    outbox_id       TEXT NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    inbox           TEXT NOT NULL,
    host            TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    UNIQUE (outbox_id, inbox)
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);

CREATE TABLE seen_activities (
    uri     TEXT PRIMARY KEY,
    seen_at BIGINT NOT NULL
);
CREATE INDEX seen_activities_time ON seen_activities (seen_at);

CREATE TABLE tombstones (
    uri        TEXT PRIMARY KEY,
    deleted_at BIGINT NOT NULL
);

CREATE TABLE oauth_apps (
    id                 TEXT PRIMARY KEY,
    client_id          TEXT NOT NULL UNIQUE,
    client_secret_hash TEXT NOT NULL,
    name               TEXT NOT NULL,
    website            TEXT NOT NULL DEFAULT '',
    redirect_uris      TEXT NOT NULL DEFAULT '[]',
    scopes             TEXT NOT NULL DEFAULT '[]',
    created_at         BIGINT NOT NULL
);

CREATE TABLE oauth_codes (
    code_hash             TEXT PRIMARY KEY,
    app_id                TEXT NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
    user_id               TEXT NOT NULL REFERENCES users (actor_id) ON DELETE CASCADE,
    redirect_uri          TEXT NOT NULL,
    scopes                TEXT NOT NULL DEFAULT '[]',
    code_challenge        TEXT NOT NULL DEFAULT '',
    code_challenge_method TEXT NOT NULL DEFAULT '',
    expires_at            BIGINT NOT NULL,
    created_at            BIGINT NOT NULL
);

CREATE TABLE oauth_tokens (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    app_id       TEXT REFERENCES oauth_apps (id) ON DELETE CASCADE,
    user_id      TEXT REFERENCES users (actor_id) ON DELETE CASCADE,
    scopes       TEXT NOT NULL DEFAULT '[]',
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    last_used_at BIGINT
);
CREATE INDEX oauth_tokens_user ON oauth_tokens (user_id);

-- The tables below serve interfaces still to come; they are here so that those need methods only.

-- idempotency_keys remembers the status an Idempotency-Key header created.
CREATE TABLE idempotency_keys (
    user_id    TEXT NOT NULL REFERENCES users (actor_id) ON DELETE CASCADE,
    idem_key   TEXT NOT NULL,
    status_id  TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
CREATE INDEX idempotency_keys_time ON idempotency_keys (created_at);

CREATE TABLE lists (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (actor_id) ON DELETE CASCADE,
    title          TEXT NOT NULL,
    replies_policy TEXT NOT NULL DEFAULT 'list' CHECK (replies_policy IN ('followed', 'list', 'none')),
    exclusive      INTEGER NOT NULL DEFAULT 0 CHECK (exclusive IN (0, 1)),
    created_at     BIGINT NOT NULL
);
CREATE INDEX lists_user ON lists (user_id, id);

CREATE TABLE list_members (
    list_id    TEXT NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    actor_id   TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (list_id, actor_id)
);
CREATE INDEX list_members_actor ON list_members (actor_id);

CREATE TABLE markers (
    user_id      TEXT NOT NULL REFERENCES users (actor_id) ON DELETE CASCADE,
    timeline     TEXT NOT NULL CHECK (timeline IN ('home', 'notifications')),
    last_read_id TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 0,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (user_id, timeline)
);

CREATE TABLE filters (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (actor_id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    contexts   TEXT NOT NULL DEFAULT '[]',
    action     TEXT NOT NULL DEFAULT 'warn' CHECK (action IN ('warn', 'hide')),
    expires_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX filters_user ON filters (user_id);

CREATE TABLE filter_keywords (
    id         TEXT PRIMARY KEY,
    filter_id  TEXT NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
    keyword    TEXT NOT NULL,
    whole_word INTEGER NOT NULL DEFAULT 1 CHECK (whole_word IN (0, 1))
);
CREATE INDEX filter_keywords_filter ON filter_keywords (filter_id);

-- polls hang off their status (a Question); options is a JSON list of {title, votes_count}.
CREATE TABLE polls (
    status_id    TEXT PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
    options      TEXT NOT NULL DEFAULT '[]',
    multiple     INTEGER NOT NULL DEFAULT 0 CHECK (multiple IN (0, 1)),
    hide_totals  INTEGER NOT NULL DEFAULT 0 CHECK (hide_totals IN (0, 1)),
    votes_count  INTEGER NOT NULL DEFAULT 0,
    voters_count INTEGER NOT NULL DEFAULT 0,
    expires_at   BIGINT,
    updated_at   BIGINT NOT NULL
);

CREATE TABLE poll_votes (
    id         TEXT PRIMARY KEY,
    uri        TEXT UNIQUE,
    status_id  TEXT NOT NULL REFERENCES polls (status_id) ON DELETE CASCADE,
    actor_id   TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    choice     INTEGER NOT NULL CHECK (choice >= 0),
    created_at BIGINT NOT NULL,
    UNIQUE (status_id, actor_id, choice)
);

CREATE TABLE domain_policies (
    domain     TEXT PRIMARY KEY,
    policy     TEXT NOT NULL CHECK (policy IN ('allow', 'block')),
    reason     TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE group_roles (
    group_id   TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    actor_id   TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('owner', 'moderator')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, actor_id)
);
CREATE INDEX group_roles_actor ON group_roles (actor_id);

-- votes are ideas-forum votes; statuses.votes_score is their denormalised sum.
CREATE TABLE votes (
    actor_id   TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    status_id  TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    value      INTEGER NOT NULL CHECK (value IN (-1, 1)),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (actor_id, status_id)
);
CREATE INDEX votes_status ON votes (status_id);
